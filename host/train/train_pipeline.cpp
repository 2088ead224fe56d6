#include "train/train_pipeline.hpp"

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/errors.hpp"
#include "features/feature_extractor.hpp"
#include "optim/eigen_single_thread.hpp"
#include "train/feature_set.hpp"
#include "train/network_trainer.hpp"

namespace xbarmc {
namespace {

constexpr int kMaxLayerSize = 65535;
// Adam's step: 1e-2 for the one-layer softmax (as the seed's chip was always trained),
// 1e-3 for networks with hidden layers; QAT fine-tunes at a tenth of it.
constexpr double kLinearRate = 1e-2, kLinearQatRate = 1e-3;
constexpr double kNetworkRate = 1e-3, kNetworkQatRate = 1e-4;

SplitAccuracy split_accuracy(const NetworkParams& p, const FeatureSet& train, const FeatureSet& val,
                             const FeatureSet& test) {
  return {accuracy(p, train), accuracy(p, val), accuracy(p, test)};
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
  for (int h : c.hidden) {
    if (h < 1 || h > kMaxLayerSize) {
      throw UserError("--hidden " + std::to_string(h) + ": a layer has 1.." +
                      std::to_string(kMaxLayerSize) + " outputs");
    }
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
  model.bias_mode = config.bias_mode;
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

  std::vector<int> sizes = {model.features.n_features()};
  sizes.insert(sizes.end(), config.hidden.begin(), config.hidden.end());
  sizes.push_back(data.n_classes);
  NetworkTrainOptions opt;
  opt.mapping = config.mapping;
  opt.bias_mode = config.bias_mode;
  opt.noise_sigma = config.noise_aware_sigma;
  opt.seed = config.seed;
  opt.progress = config.progress;
  opt.max_epochs = config.epochs;
  opt.learning_rate = config.hidden.empty() ? kLinearRate : kNetworkRate;
  const NetworkFitResult fl =
      train_network(train, val, initial_network(sizes, config.bias, config.seed), opt);
  model.acc_float = split_accuracy(fl.params, train, val, test);
  model.acc_ptq = split_accuracy(
      forward_weights(fl.params, ForwardWeights::kQuantized, config.mapping, config.bias_mode),
      train, val, test);
  std::snprintf(line, sizeof line, "float: best epoch %d of %d (%.1f s)", fl.best_epoch,
                fl.epochs_run, elapsed());
  say(line);

  NetworkParams deployed = fl.params;
  NetworkParams qat;
  if (config.qat) {
    opt.forward = ForwardWeights::kQuantized;
    opt.phase = TrainPhase::kQat;
    opt.max_epochs = config.qat_epochs;
    opt.learning_rate = config.hidden.empty() ? kLinearQatRate : kNetworkQatRate;
    opt.train_bias = false;  // biases are exact on the chip: nothing to recover
    const NetworkFitResult q = train_network(train, val, fl.params, opt);
    qat = q.params;
    deployed = q.params;
    model.acc_qat = split_accuracy(
        forward_weights(q.params, ForwardWeights::kQuantized, config.mapping, config.bias_mode),
        train, val, test);
    std::snprintf(line, sizeof line, "qat: best epoch %d of %d (%.1f s)", q.best_epoch,
                  q.epochs_run, elapsed());
    say(line);
  }
  for (int l = 0; l < fl.params.n_layers(); ++l) {
    ModelLayer layer;
    layer.w_float = to_matrix(fl.params.w[l]);
    if (config.qat) layer.w_qat = to_matrix(qat.w[l]);
    layer.w_deployed = to_matrix(deployed.w[l]);
    if (deployed.has_bias()) {
      layer.bias.assign(deployed.b[l].data(), deployed.b[l].data() + deployed.b[l].size());
    }
    model.layers.push_back(std::move(layer));
  }
  map_deployed_weights(model);
  return model;
}

}  // namespace xbarmc
