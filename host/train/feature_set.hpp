// Features of a labelled image set as training and evaluation use them: one row of
// n_features doubles per image (the float features of compute_features, widened).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "data/dataset.hpp"
#include "features/feature_spec.hpp"

namespace xbarmc {

using MatrixRowD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct FeatureSet {
  MatrixRowD x;  // [n × n_in]
  std::vector<std::uint8_t> y;
  int size() const { return static_cast<int>(x.rows()); }
};

// compute_features(spec, set.images) as doubles, with the labels.
FeatureSet make_feature_set(const FeatureSpec& spec, const LabelledImages& set);

// The same from features already computed, [n × n_features] row-major floats.
FeatureSet make_feature_set(const std::vector<float>& features, int n_features,
                            const std::vector<std::uint8_t>& labels);

}  // namespace xbarmc
