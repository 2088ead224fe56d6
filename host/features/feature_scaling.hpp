// Scaling projected features to [0, 1] (DESIGN §2.1): per feature, lo and hi are
// the train-set 0.5 % and 99.5 % percentiles (common/percentile.hpp)
// and f = clamp((z − lo)/(hi − lo), 0, 1).
#pragma once

#include <vector>

namespace xbarmc {

// lo/hi of each of `n_features` columns of the row-major [n × n_features] `raw`.
// A constant column gets hi = lo + 1 (it maps to 0).
void fit_feature_range(const std::vector<double>& raw, int n_features, std::vector<double>& lo,
                       std::vector<double>& hi);

inline float scale_feature(double z, double lo, double hi) {
  const double f = (z - lo) / (hi - lo);
  return static_cast<float>(f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f));
}

}  // namespace xbarmc
