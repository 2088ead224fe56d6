#include "study/summary_table.hpp"

#include <cmath>

#include "stats/checksum.hpp"

namespace xbarmc::study {

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
