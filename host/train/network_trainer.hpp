// Training of a network (DESIGN §2.2, §2.7) by softmax cross-entropy and mini-batch
// Adam, with early stopping on val. One loop serves every mode and depth; only the
// weights of the forward pass differ:
//   float:      W_f,l = W_l
//   quantized:  W_f,l = W_q(W_l) through each layer's mapping; the gradients of the
//               forward pass (taken at W_f) reach the float masters W_l unchanged
//               (straight-through estimator, seed §2); biases exact
//   + noise:    each conductance of the pair times exp(σ·ξ) (lognormal C2C, DESIGN
//               §2.4), fresh per mini-batch, per layer; gradients pass straight through.
// A single layer without bias computes exactly what the one-layer trainer always did.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/shuffle.hpp"
#include "train/network.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct NetworkTrainOptions {
  ForwardWeights forward = ForwardWeights::kFloat;
  MappingParams mapping;  // used by kQuantized
  BiasMode bias_mode = BiasMode::kDigital;
  double noise_sigma = 0.0;  // noise-aware training when > 0
  bool train_bias = true;    // false: biases stay as given (QAT fine-tunes the weights)
  int max_epochs = 60;
  int patience = 8;  // epochs with neither a better val accuracy nor a lower val loss
  int batch_size = 128;
  double learning_rate = 1e-2;
  std::uint64_t seed = 0;
  TrainPhase phase = TrainPhase::kFloat;
  std::function<void(const std::string&)> progress;  // one line per epoch, may be empty
};

struct NetworkFitResult {
  NetworkParams params;  // master weights of the best val epoch
  int best_epoch = 0;    // 0 = the initial weights were best
  int epochs_run = 0;
  double best_val_accuracy = 0.0;
};

// Starts from `init` (evaluated as epoch 0) and returns the best epoch by val accuracy
// of the noise-free forward weights (ties keep the earlier epoch).
NetworkFitResult train_network(const FeatureSet& train, const FeatureSet& val,
                               const NetworkParams& init, const NetworkTrainOptions& options);

// Backpropagation of the batch-mean softmax cross-entropy of `batch` through the
// forward weights `f` into grad_w[l] (and grad_b[l] when `f` has biases), each sized
// n_layers by the caller; returns the summed loss. With the straight-through estimator
// these gradients, taken at W_f, update the float masters.
double network_gradients(const NetworkParams& f, const MatrixRowD& batch,
                         const std::uint8_t* labels, std::vector<Eigen::MatrixXd>& grad_w,
                         std::vector<Eigen::VectorXd>& grad_b);

// Initial parameters for layer sizes {n_0, …, n_L} from the kInitialisation stream of
// (seed, float phase, layer l): one layer W ~ N(0, 0.01²); several layers He
// initialisation W_l ~ N(0, 2/n_{l−1}). Biases (when `bias`) start at 0.
NetworkParams initial_network(const std::vector<int>& sizes, bool bias, std::uint64_t seed);

}  // namespace xbarmc
