#include "study/drift_study.hpp"

#include <filesystem>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "io/h5.hpp"
#include "study/group_copy.hpp"
#include "study/mc_study.hpp"
#include "study/mpi_study.hpp"
#include "study/outcome.hpp"
#include "study/provenance.hpp"
#include "study/results_file.hpp"

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

// The mc settings text of the uncompensated part, relabelled as the drift study's.
std::string drift_toml(const std::string& mc_toml) {
  std::string t = mc_toml;
  const std::string mode = "drift-compensation = false\n";
  const auto at = t.find(mode);
  if (at != std::string::npos) t.erase(at, mode.size());
  return "# xbarmc drift: every time without and with global drift compensation\n" + t;
}

DriftSeries read_series(const h5::File& f, const std::string& group, std::size_t n_specs) {
  const h5::Group g = f.open_group(group);
  DriftSeries s;
  s.mean = g.read<double>("summary/mean").data;
  s.p5 = g.read<double>("summary/p5").data;
  if (n_specs > 0) s.yield = g.read<double>("yield/fraction").data;
  s.checksum = g.string_attribute("checksum");
  return s;
}

}  // namespace

const char* const kDriftGroups[2] = {"uncompensated", "compensated"};

const std::vector<double>& default_drift_times() {
  static const std::vector<double> times = {1.0,          3600.0, kDayS,
                                            30.0 * kDayS, kYearS, 10.0 * kYearS};
  return times;
}

std::string drift_part_path(const std::string& out_path, bool compensated) {
  return out_path + (compensated ? ".compensated" : ".uncompensated");
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

void write_drift_file(const std::string& uncompensated, const std::string& compensated,
                      const std::string& out_path,
                      const std::function<void(const h5::File&)>& more) {
  AtomicFile out(out_path);
  {
    const h5::File unc = h5::File::open(uncompensated);
    const h5::File comp = h5::File::open(compensated);
    h5::File f = h5::File::create(out.temp_path(), out_path);
    copy_provenance(unc, f);
    f.set_attribute("study", "drift");
    f.set_attribute("config_toml", drift_toml(unc.string_attribute("config_toml")));
    f.set_attribute("study_key", drift_toml(unc.string_attribute("study_key")));
    const h5::File* sources[2] = {&unc, &comp};
    for (int k = 0; k < 2; ++k) {
      const std::string group = std::string("/drift/") + kDriftGroups[k];
      copy_object(*sources[k], "/mc", f, group);
      // What merge needs to treat the group as the mc study it came from.
      f.open_group(group).set_attribute("study_key", sources[k]->string_attribute("study_key"));
    }
    copy_object(unc, "/reference", f, "/reference");
    copy_object(unc, "/mapping", f, "/mapping");
    if (more) more(f);
    f.close();
  }
  out.commit();
}

DriftOutcome read_drift_outcome(const std::string& path) {
  const h5::File f = h5::File::open(path);
  const h5::Group g = f.open_group("drift/uncompensated");
  DriftOutcome o;
  o.times_s = g.read<double>("times").data;
  o.specs = g.read_strings("yield/spec");
  o.thresholds = g.read<double>("yield/threshold").data;
  o.n_chips = g.open_dataset("chip_index").shape().at(0);
  o.n_images = static_cast<std::uint64_t>(g.int_attribute("n_images"));
  o.uncompensated = read_series(f, "drift/uncompensated", o.specs.size());
  o.compensated = read_series(f, "drift/compensated", o.specs.size());
  return o;
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
