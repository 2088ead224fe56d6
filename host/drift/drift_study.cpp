#include "drift/drift_study.hpp"

#include <filesystem>

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "mpi/study_runner.hpp"
#include "results/provenance.hpp"
#include "results/results_file.hpp"
#include "study/summary_table.hpp"

namespace xbarmc::study {
namespace {

namespace fs = std::filesystem;

constexpr double kDayS = 86400.0;
constexpr double kYearS = 365.25 * kDayS;

// A finished part from an earlier, interrupted run of this very study (same settings).
bool reusable_part(const McConfig& part) {
  std::error_code ec;
  if (!fs::exists(part.out_path, ec)) return false;
  const h5::File f = h5::File::open(part.out_path);
  return f.has_attribute("study_key") &&
         f.string_attribute("study_key") == study_toml(part, file_checksum(part.model_path));
}

}  // namespace

const std::vector<double>& default_drift_times() {
  static const std::vector<double> times = {1.0,          3600.0, kDayS,
                                            30.0 * kDayS, kYearS, 10.0 * kYearS};
  return times;
}

DriftOutcome run_drift_study(const McConfig& config) {
  if (config.out_path.empty()) throw UserError("--out is required");
  McConfig parts[2] = {config, config};
  for (int k = 0; k < 2; ++k) {
    McConfig& p = parts[k];
    p.device.drift_compensation = k == 1;
    p.out_path = drift_part_path(config.out_path, k == 1);
    p.print_summary = false;
  }
  for (McConfig& p : parts) {
    const bool compensated = p.device.drift_compensation;
    if (config.resume && reusable_part(p)) {
      if (!config.quiet)
        std::fprintf(stderr, "drift: reusing the finished %s\n", p.out_path.c_str());
      continue;
    }
    std::error_code ec;
    // --resume continues an interrupted part; a part not yet started simply starts.
    p.resume = config.resume && fs::exists(partial_path_for(p.out_path), ec);
    if (!config.quiet) {
      std::fprintf(stderr, "drift: %s\n",
                   compensated ? "with global drift compensation" : "without compensation");
    }
    run_mc_on_ranks(p);
  }

  write_drift_file(parts[0].out_path, parts[1].out_path, config.out_path);
  for (const McConfig& p : parts) {
    std::error_code ec;
    fs::remove(p.out_path, ec);
  }
  return read_drift_outcome(config.out_path);
}

void print_drift_table(const DriftOutcome& o, std::FILE* out) {
  const std::size_t n_specs = o.specs.size();
  std::fprintf(out,
               "drift: %llu chips, %llu images; yN = yield, the fraction of chips with "
               "accuracy >= spec N:",
               static_cast<unsigned long long>(o.n_chips),
               static_cast<unsigned long long>(o.n_images));
  for (std::size_t s = 0; s < n_specs; ++s) {
    std::fprintf(out, "%s y%zu %s (%.4f)", s ? "," : "", s + 1, o.specs[s].c_str(),
                 o.thresholds[s]);
  }
  std::fputc('\n', out);
  const int width = static_cast<int>(18 + 9 * n_specs);
  std::fprintf(out, "%10s | %-*s | %-*s\n", "", width, "without compensation", width,
               "with global compensation");
  std::fprintf(out, "%10s |", "time");
  for (int mode = 0; mode < 2; ++mode) {
    std::fprintf(out, " %8s %8s", "mean", "p5");
    for (std::size_t s = 0; s < n_specs; ++s)
      std::fprintf(out, " %8s", ("y" + std::to_string(s + 1)).c_str());
    std::fprintf(out, mode == 0 ? " |" : "\n");
  }
  for (std::size_t k = 0; k < o.times_s.size(); ++k) {
    std::fprintf(out, "%10s |", format_time(o.times_s[k]).c_str());
    const DriftSeries* modes[2] = {&o.uncompensated, &o.compensated};
    for (int mode = 0; mode < 2; ++mode) {
      const DriftSeries& d = *modes[mode];
      std::fprintf(out, " %8.4f %8.4f", d.mean[k], d.p5[k]);
      for (std::size_t s = 0; s < n_specs; ++s)
        std::fprintf(out, " %8.4f", d.yield[k * n_specs + s]);
      std::fprintf(out, mode == 0 ? " |" : "\n");
    }
  }
  std::fprintf(out, "checksums of correct counts: without %s, with %s\n",
               o.uncompensated.checksum.c_str(), o.compensated.checksum.c_str());
}

}  // namespace xbarmc::study
