#include "stats/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/errors.hpp"
#include "common/percentile.hpp"

namespace xbarmc::study {

Summary summarize(std::vector<double> values) {
  if (values.empty()) throw InternalError("summary of an empty sample");
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  Summary s;
  double sum = 0.0;
  for (double v : values) sum += v;
  s.mean = sum / n;
  if (values.size() < 2) {
    s.std = std::numeric_limits<double>::quiet_NaN();
  } else {
    double ss = 0.0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(ss / (n - 1.0));
  }
  s.min = values.front();
  s.max = values.back();
  s.p1 = percentile_of_sorted(values, 1.0);
  s.p5 = percentile_of_sorted(values, 5.0);
  s.p10 = percentile_of_sorted(values, 10.0);
  s.p50 = percentile_of_sorted(values, 50.0);
  return s;
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z) {
  if (trials == 0) return Interval{0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  return Interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace xbarmc::study
