#include "features/feature_extractor.hpp"

#include <Eigen/Dense>

#include "common/errors.hpp"
#include "features/feature_scaling.hpp"
#include "features/pca.hpp"
#include "features/resize_8x8.hpp"
#include "optim/eigen_single_thread.hpp"

namespace xbarmc {
namespace {

using MatrixRowD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check_size(const FeatureSpec& spec, const Images& images) {
  if (images.rows != spec.input_rows || images.cols != spec.input_cols) {
    throw UserError("images are " + std::to_string(images.rows) + "x" +
                    std::to_string(images.cols) + " but the feature method " +
                    method_name(spec.method) + " was fitted on " + std::to_string(spec.input_rows) +
                    "x" + std::to_string(spec.input_cols));
  }
}

// Pixels / 255 minus `mean`, as float rows (the input of projection training).
MatrixRowF centred_pixels(const Images& images, const Eigen::VectorXd& mean) {
  const int d = images.pixels_per_image();
  MatrixRowF x(images.count, d);
  for (int i = 0; i < images.count; ++i) {
    const std::uint8_t* img = images.image(i);
    for (int p = 0; p < d; ++p) x(i, p) = static_cast<float>(img[p] / 255.0 - mean(p));
  }
  return x;
}

Eigen::VectorXd pixel_mean(const Images& images) {
  const int d = images.pixels_per_image();
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(d);
  for (int i = 0; i < images.count; ++i) {
    const std::uint8_t* img = images.image(i);
    for (int p = 0; p < d; ++p) sum(p) += img[p];
  }
  return sum / (255.0 * images.count);
}

}  // namespace

std::vector<double> project_raw(const FeatureSpec& spec, const Images& images) {
  check_size(spec, images);
  const int d = spec.input_size();
  // Owned (aligned) Eigen copies: each image's z = P·x is the same GEMV on every
  // call, whatever the thread or batch, so features are a pure function of the image.
  const MatrixRowD p = Eigen::Map<const MatrixRowD>(spec.projection.data(), kNumFeatures, d);
  const Eigen::VectorXd mean = Eigen::Map<const Eigen::VectorXd>(spec.mean.data(), d);
  std::vector<double> out(static_cast<std::size_t>(images.count) * kNumFeatures);
#pragma omp parallel
  {
    Eigen::VectorXd x(d);
    Eigen::VectorXd z(kNumFeatures);
#pragma omp for schedule(static)
    for (int i = 0; i < images.count; ++i) {
      const std::uint8_t* img = images.image(i);
      for (int q = 0; q < d; ++q) x(q) = img[q] / 255.0 - mean(q);
      z.noalias() = p * x;
      std::copy(z.data(), z.data() + kNumFeatures,
                out.begin() + static_cast<std::ptrdiff_t>(i) * kNumFeatures);
    }
  }
  return out;
}

std::vector<float> compute_features(const FeatureSpec& spec, const Images& images) {
  validate_feature_spec(spec, "feature spec");
  check_size(spec, images);
  std::vector<float> out(static_cast<std::size_t>(images.count) * kNumFeatures);
  if (!is_projection(spec.method)) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < images.count; ++i) {
      resize_to_8x8(spec.method, images.image(i), images.rows, images.cols,
                    out.data() + static_cast<std::size_t>(i) * kNumFeatures);
    }
    return out;
  }
  const std::vector<double> raw = project_raw(spec, images);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::size_t f = i % kNumFeatures;
    out[i] = scale_feature(raw[i], spec.lo[f], spec.hi[f]);
  }
  return out;
}

FeatureSpec fit_features(FeatureMethod method, const LabelledImages& train,
                         const LabelledImages& val, int n_classes,
                         const FeatureFitOptions& options) {
  const EigenSingleThread single_thread;
  FeatureSpec spec;
  spec.method = method;
  spec.input_rows = train.images.rows;
  spec.input_cols = train.images.cols;
  if (!is_projection(method)) {
    spec.lo.assign(kNumFeatures, 0.0);
    spec.hi.assign(kNumFeatures, 1.0);
    return spec;
  }
  const int d = spec.input_size();
  if (d < kNumFeatures) {
    throw UserError(std::string(method_name(method)) + " needs images of at least " +
                    std::to_string(kNumFeatures) + " pixels");
  }
  Eigen::MatrixXd projection;
  Eigen::VectorXd mean = pixel_mean(train.images);
  if (method == FeatureMethod::kProjPca64) {
    if (options.progress) options.progress("proj_pca: covariance and eigendecomposition");
    const Eigen::MatrixXd x = centred_pixels(train.images, mean).cast<double>();
    PcaResult pca = fit_pca(x, kNumFeatures);
    projection = pca.components;
    mean = pca.mean + mean;  // fit_pca centred the already-centred data (mean ≈ 0)
  } else {
    SupervisedProjectionOptions sup = options.supervised;
    sup.seed = options.seed;
    sup.progress = options.progress;
    projection = train_supervised_projection(centred_pixels(train.images, mean), train.labels,
                                             centred_pixels(val.images, mean), val.labels,
                                             n_classes, kNumFeatures, sup);
  }
  spec.mean.assign(mean.data(), mean.data() + d);
  spec.projection.resize(static_cast<std::size_t>(kNumFeatures) * d);
  Eigen::Map<MatrixRowD>(spec.projection.data(), kNumFeatures, d) = projection;
  fit_feature_range(project_raw(spec, train.images), kNumFeatures, spec.lo, spec.hi);
  return spec;
}

}  // namespace xbarmc
