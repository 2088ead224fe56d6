// Fitting a feature method on the training images and applying a fitted one to
// any image set. The Monte Carlo side computes val/test features of a model with
//   compute_features(load_model(path).features, images)
// which returns exactly the values training saw (a pure per-image function).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "features/feature_spec.hpp"
#include "features/supervised_projection.hpp"

namespace xbarmc {

struct FeatureFitOptions {
  std::uint64_t seed = 0;
  SupervisedProjectionOptions supervised;  // its seed and progress are set from here
  std::function<void(const std::string&)> progress;
};

// Learns the method's constants from `train` (and, for proj_sup_64, early stopping
// on `val`): projection, mean and the lo/hi percentiles.
FeatureSpec fit_features(FeatureMethod method, const LabelledImages& train,
                         const LabelledImages& val, int n_classes,
                         const FeatureFitOptions& options);

// Features [images.count × spec.n_features()] row-major, each in [0, 1]. Throws
// UserError when the images' size differs from the one the spec was fitted on.
std::vector<float> compute_features(const FeatureSpec& spec, const Images& images);

// Projection methods before scaling: z = P·(x/255 − mean), [count × kNumFeatures].
std::vector<double> project_raw(const FeatureSpec& spec, const Images& images);

}  // namespace xbarmc
