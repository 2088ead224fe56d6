#include "train/train_pipeline.hpp"

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/errors.hpp"
#include "features/feature_extractor.hpp"
#include "optim/eigen_single_thread.hpp"
#include "train/linear_trainer.hpp"

namespace xbarmc {
namespace {

FeatureSet make_feature_set(const FeatureSpec& spec, const LabelledImages& set) {
  const std::vector<float> f = compute_features(spec, set.images);
  FeatureSet out;
  out.x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              f.data(), set.size(), kNumFeatures)
              .cast<double>();
  out.y = set.labels;
  return out;
}

MatrixD to_matrix(const Eigen::MatrixXd& m) {
  MatrixD out(static_cast<int>(m.rows()), static_cast<int>(m.cols()));
  for (int r = 0; r < out.rows; ++r) {
    for (int c = 0; c < out.cols; ++c) out(r, c) = m(r, c);
  }
  return out;
}

SplitAccuracy split_accuracy(const Eigen::MatrixXd& w, const FeatureSet& train,
                             const FeatureSet& val, const FeatureSet& test) {
  return {accuracy(w, train), accuracy(w, val), accuracy(w, test)};
}

}  // namespace

void validate_train_config(const TrainConfig& c) {
  if (c.mapping.weight_bits < 1 || c.mapping.weight_bits > kMaxWeightBits) {
    throw UserError("--weight-bits " + std::to_string(c.mapping.weight_bits) +
                    " out of range (1.." + std::to_string(kMaxWeightBits) + ")");
  }
  if (!(c.mapping.r_on_ohm > 0.0) || !std::isfinite(c.mapping.r_on_ohm) ||
      !std::isfinite(1.0 / c.mapping.r_on_ohm)) {  // g_max = 1/R_on must be finite
    throw UserError("--r-on must be a positive resistance in ohm");
  }
  if (!(c.mapping.r_off_ohm > c.mapping.r_on_ohm) || !std::isfinite(c.mapping.r_off_ohm)) {
    throw UserError("--r-off must be finite and larger than --r-on");
  }
  if (c.epochs < 1) throw UserError("--epochs must be at least 1");
  if (c.qat_epochs < 1) throw UserError("--qat-epochs must be at least 1");
  if (c.projection_epochs < 1) throw UserError("--projection-epochs must be at least 1");
  if (!(c.noise_aware_sigma >= 0.0) || c.noise_aware_sigma > 5.0) {
    throw UserError("--noise-aware sigma must lie in [0, 5]");
  }
}

Model train_model(const Dataset& data, const TrainConfig& config) {
  validate_train_config(config);
  const EigenSingleThread single_thread;
  const auto say = [&config](const std::string& line) {
    if (config.progress) config.progress(line);
  };
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };

  Model model;
  model.mapping = config.mapping;
  model.seed = config.seed;
  model.qat = config.qat;
  model.noise_aware_sigma = config.noise_aware_sigma;

  FeatureFitOptions fit;
  fit.seed = config.seed;
  fit.supervised.max_epochs = config.projection_epochs;
  fit.progress = config.progress;
  model.features = fit_features(config.method, data.train, data.val, data.n_classes, fit);
  const FeatureSet train = make_feature_set(model.features, data.train);
  const FeatureSet val = make_feature_set(model.features, data.val);
  const FeatureSet test = make_feature_set(model.features, data.test);
  char line[160];
  std::snprintf(line, sizeof line, "features %s ready (%.1f s)", method_name(config.method),
                elapsed());
  say(line);

  LinearTrainOptions opt;
  opt.mapping = config.mapping;
  opt.noise_sigma = config.noise_aware_sigma;
  opt.seed = config.seed;
  opt.progress = config.progress;
  opt.max_epochs = config.epochs;
  const LinearFitResult fl =
      train_linear(train, val, initial_weights(data.n_classes, kNumFeatures, config.seed), opt);
  model.w_float = to_matrix(fl.w);
  model.acc_float = split_accuracy(fl.w, train, val, test);
  model.acc_ptq = split_accuracy(forward_weights(fl.w, ForwardWeights::kQuantized, config.mapping),
                                 train, val, test);
  std::snprintf(line, sizeof line, "float: best epoch %d of %d (%.1f s)", fl.best_epoch,
                fl.epochs_run, elapsed());
  say(line);

  model.w_deployed = model.w_float;
  if (config.qat) {
    opt.forward = ForwardWeights::kQuantized;
    opt.phase = TrainPhase::kQat;
    opt.max_epochs = config.qat_epochs;
    opt.learning_rate = 1e-3;  // fine-tuning: a tenth of the float rate
    const LinearFitResult q = train_linear(train, val, fl.w, opt);
    model.w_qat = to_matrix(q.w);
    model.w_deployed = model.w_qat;
    model.acc_qat = split_accuracy(forward_weights(q.w, ForwardWeights::kQuantized, config.mapping),
                                   train, val, test);
    std::snprintf(line, sizeof line, "qat: best epoch %d of %d (%.1f s)", q.best_epoch,
                  q.epochs_run, elapsed());
    say(line);
  }
  map_deployed_weights(model);
  return model;
}

}  // namespace xbarmc
