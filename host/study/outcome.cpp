#include "study/outcome.hpp"

#include <cmath>

#include "common/errors.hpp"
#include "study/checksum.hpp"

namespace xbarmc::study {

StudyOutcome compute_outcome(const std::vector<std::uint32_t>& correct,
                             const std::vector<double>& times_s, std::uint64_t n_chips,
                             std::uint64_t n_images, const std::vector<std::string>& specs,
                             const std::vector<double>& thresholds) {
  const std::size_t n_times = times_s.size(), n_specs = specs.size();
  if (correct.size() != n_times * n_chips || thresholds.size() != n_specs || n_images == 0) {
    throw InternalError("compute_outcome: inconsistent sizes");
  }
  StudyOutcome o;
  o.times_s = times_s;
  o.n_chips = n_chips;
  o.n_images = n_images;
  o.specs = specs;
  o.thresholds = thresholds;
  o.yield_fraction.resize(n_times * n_specs);
  o.wilson_low.resize(n_times * n_specs);
  o.wilson_high.resize(n_times * n_specs);
  std::vector<double> accuracy(n_chips);
  for (std::size_t k = 0; k < n_times; ++k) {
    for (std::uint64_t c = 0; c < n_chips; ++c) {
      accuracy[c] = static_cast<double>(correct[k * n_chips + c]) / static_cast<double>(n_images);
    }
    o.summary.push_back(summarize(accuracy));
    for (std::size_t s = 0; s < n_specs; ++s) {
      std::uint64_t good = 0;
      for (double a : accuracy) good += meets_threshold(a, thresholds[s]) ? 1 : 0;
      const Interval w = wilson_interval(good, n_chips);
      o.yield_fraction[k * n_specs + s] = static_cast<double>(good) / static_cast<double>(n_chips);
      o.wilson_low[k * n_specs + s] = w.low;
      o.wilson_high[k * n_specs + s] = w.high;
    }
  }
  o.checksum = counts_checksum(correct);
  return o;
}

std::string format_time(double seconds) {
  const struct {
    double s;
    const char* unit;
  } units[] = {{365.25 * 86400.0, "y"}, {86400.0, "d"}, {3600.0, "h"}, {60.0, "min"}, {1.0, "s"}};
  char buf[32];
  for (const auto& u : units) {
    const double n = seconds / u.s;
    if (n >= 1.0 && n == std::floor(n) && n < 1e6) {
      std::snprintf(buf, sizeof buf, "%.0f %s", n, u.unit);
      return buf;
    }
  }
  std::snprintf(buf, sizeof buf, "%.3g s", seconds);
  return buf;
}

void print_summary_table(const StudyOutcome& o, const ReferenceAccuracies& refs, std::FILE* out) {
  std::fprintf(out, "references (%llu images): float %.4f  mapped %.4f  nominal chip %.4f\n",
               static_cast<unsigned long long>(o.n_images), refs.float_accuracy,
               refs.mapped_accuracy, refs.nominal_accuracy);
  std::fprintf(out, "%10s %8s %8s %8s %8s %8s %8s %8s %8s", "time", "mean", "std", "min", "p1",
               "p5", "p10", "p50", "max");
  for (std::size_t s = 0; s < o.specs.size(); ++s) {
    char head[96];
    std::snprintf(head, sizeof head, "yield %s (acc >= %.4f)", o.specs[s].c_str(), o.thresholds[s]);
    std::fprintf(out, "  %-30s", head);
  }
  std::fputc('\n', out);
  for (std::size_t k = 0; k < o.times_s.size(); ++k) {
    const Summary& m = o.summary[k];
    std::fprintf(out, "%10s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f",
                 format_time(o.times_s[k]).c_str(), m.mean, m.std, m.min, m.p1, m.p5, m.p10, m.p50,
                 m.max);
    for (std::size_t s = 0; s < o.specs.size(); ++s) {
      const std::size_t i = k * o.specs.size() + s;
      char cell[64];
      std::snprintf(cell, sizeof cell, "%.4f [%.4f, %.4f]", o.yield_fraction[i], o.wilson_low[i],
                    o.wilson_high[i]);
      std::fprintf(out, "  %-30s", cell);
    }
    std::fputc('\n', out);
  }
  std::fprintf(out, "%llu chips, checksum of correct counts: %s\n",
               static_cast<unsigned long long>(o.n_chips), hex64(o.checksum).c_str());
}

}  // namespace xbarmc::study
