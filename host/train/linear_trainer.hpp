// Training of the on-chip layer logits = W·x (W [n_out × n_in], no bias; DESIGN
// §2.2) by softmax cross-entropy and mini-batch Adam, with early stopping on val.
// One loop serves every mode; only the weights of the forward pass differ:
//   float:      W_f = W
//   quantized:  W_f = W_q(W) through the mapping, gradients reach the float master
//               W unchanged (straight-through estimator, seed §2)
//   + noise:    each conductance of the pair times exp(σ·ξ) (lognormal C2C,
//               DESIGN §2.4), fresh per mini-batch; gradients pass straight through.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/shuffle.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

using MatrixRowD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct FeatureSet {
  MatrixRowD x;  // [n × n_in]
  std::vector<std::uint8_t> y;
  int size() const { return static_cast<int>(x.rows()); }
};

enum class ForwardWeights { kFloat, kQuantized };

struct LinearTrainOptions {
  ForwardWeights forward = ForwardWeights::kFloat;
  MappingParams mapping;     // used by kQuantized
  double noise_sigma = 0.0;  // noise-aware training when > 0
  int max_epochs = 60;
  int patience = 8;  // epochs with neither a better val accuracy nor a lower val loss
  int batch_size = 128;
  double learning_rate = 1e-2;
  std::uint64_t seed = 0;
  TrainPhase phase = TrainPhase::kFloat;
  std::function<void(const std::string&)> progress;  // one line per epoch, may be empty
};

struct LinearFitResult {
  Eigen::MatrixXd w;   // master weights of the best val epoch
  int best_epoch = 0;  // 0 = the initial weights were best
  int epochs_run = 0;
  double best_val_accuracy = 0.0;
};

// Starts from `w_init` (evaluated as epoch 0) and returns the best epoch by val
// accuracy of the noise-free forward weights (ties keep the earlier epoch).
LinearFitResult train_linear(const FeatureSet& train, const FeatureSet& val,
                             const Eigen::MatrixXd& w_init, const LinearTrainOptions& options);

// Initial weights N(0, 0.01²) from the kInitialisation stream.
Eigen::MatrixXd initial_weights(int n_out, int n_in, std::uint64_t seed);

// The noise-free forward weights of a mode: W or W_q(W).
Eigen::MatrixXd forward_weights(const Eigen::MatrixXd& w, ForwardWeights mode,
                                const MappingParams& mapping);

// Fraction of `set` whose argmax(W·x) (ties to the lower class) equals the label.
double accuracy(const Eigen::MatrixXd& w, const FeatureSet& set);

}  // namespace xbarmc
