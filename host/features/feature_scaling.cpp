#include "features/feature_scaling.hpp"

#include <algorithm>
#include <cmath>

#include "common/errors.hpp"
#include "features/feature_spec.hpp"

namespace xbarmc {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw InternalError("percentile of an empty set");
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(pos));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * frac;
}

void fit_feature_range(const std::vector<double>& raw, int n_features, std::vector<double>& lo,
                       std::vector<double>& hi) {
  const std::size_t n = raw.size() / static_cast<std::size_t>(n_features);
  lo.assign(n_features, 0.0);
  hi.assign(n_features, 1.0);
  std::vector<double> column(n);
  for (int f = 0; f < n_features; ++f) {
    for (std::size_t i = 0; i < n; ++i) column[i] = raw[i * n_features + f];
    lo[f] = percentile(column, kLowPercentile);
    hi[f] = percentile(column, kHighPercentile);
    if (!(hi[f] > lo[f])) hi[f] = lo[f] + 1.0;
  }
}

}  // namespace xbarmc
