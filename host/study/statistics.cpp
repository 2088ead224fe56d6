#include "study/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/errors.hpp"

namespace xbarmc::study {

double percentile_linear(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) throw InternalError("percentile of an empty sample");
  const double h = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const double lo_index = std::floor(h);
  const auto lo = static_cast<std::size_t>(lo_index);
  if (lo + 1 >= sorted.size()) return sorted.back();
  const double t = h - lo_index;
  const double a = sorted[lo], b = sorted[lo + 1];
  // numpy's _lerp: interpolate from the nearer end so that t = 1 gives b exactly.
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

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
  s.p1 = percentile_linear(values, 1.0);
  s.p5 = percentile_linear(values, 5.0);
  s.p10 = percentile_linear(values, 10.0);
  s.p50 = percentile_linear(values, 50.0);
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
