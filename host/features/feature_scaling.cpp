#include "features/feature_scaling.hpp"

#include <algorithm>
#include <cmath>

#include "common/percentile.hpp"
#include "features/feature_spec.hpp"

namespace xbarmc {

void fit_feature_range(const std::vector<double>& raw, int n_features, std::vector<double>& lo,
                       std::vector<double>& hi) {
  const std::size_t n = raw.size() / static_cast<std::size_t>(n_features);
  lo.assign(n_features, 0.0);
  hi.assign(n_features, 1.0);
  std::vector<double> column(n);
  for (int f = 0; f < n_features; ++f) {
    for (std::size_t i = 0; i < n; ++i) column[i] = raw[i * n_features + f];
    lo[f] = percentile_linear(column, kLowPercentile);
    hi[f] = percentile_linear(column, kHighPercentile);
    if (!(hi[f] > lo[f])) hi[f] = lo[f] + 1.0;
  }
}

}  // namespace xbarmc
