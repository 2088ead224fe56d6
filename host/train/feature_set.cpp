#include "train/feature_set.hpp"

#include "common/errors.hpp"
#include "features/feature_extractor.hpp"

namespace xbarmc {

FeatureSet make_feature_set(const std::vector<float>& features, int n_features,
                            const std::vector<std::uint8_t>& labels) {
  const auto n = static_cast<Eigen::Index>(labels.size());
  if (features.size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(n_features)) {
    throw InternalError("make_feature_set: features do not match the labels");
  }
  FeatureSet out;
  out.x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              features.data(), n, n_features)
              .cast<double>();
  out.y = labels;
  return out;
}

FeatureSet make_feature_set(const FeatureSpec& spec, const LabelledImages& set) {
  return make_feature_set(compute_features(spec, set.images), spec.n_features(), set.labels);
}

}  // namespace xbarmc
