// The network of DESIGN §2.7 as an ANN on feature vectors: h_l = ReLU(W_l·h_{l−1} + b_l)
// for l < L, logits = W_L·h_{L−1} + b_L, prediction = argmax (ties to the lower class).
// The weights of a forward pass are the float ones or, for the "mapped" network, each
// layer's W_q through the mapping (mapping/layer_mapping.hpp; biases exact). Training,
// import and the studies' reference accuracies all evaluate through accuracy() here.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "common/matrix.hpp"
#include "train/feature_set.hpp"
#include "train/model.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct NetworkParams {
  std::vector<Eigen::MatrixXd> w;  // [n_l × n_{l−1}] per layer
  std::vector<Eigen::VectorXd> b;  // [n_l] per layer, or empty: no biases

  int n_layers() const { return static_cast<int>(w.size()); }
  bool has_bias() const { return !b.empty(); }
};

enum class ForwardWeights { kFloat, kQuantized };

// The noise-free forward weights of a mode: each W_l, or its W_q through the mapping
// (with BiasMode::kRow the bias joins shared_max_l). Biases are never quantized.
NetworkParams forward_weights(const NetworkParams& p, ForwardWeights mode,
                              const MappingParams& mapping, BiasMode bias_mode);

// Mean softmax cross-entropy and accuracy of `p` (already forward weights) on `set`.
struct Evaluation {
  double accuracy = 0.0;
  double loss = 0.0;
};
Evaluation evaluate(const NetworkParams& p, const FeatureSet& set);

// Fraction of `set` whose argmax equals the label (NaN for an empty set).
double accuracy(const NetworkParams& p, const FeatureSet& set);

// A model's float network (w_float) or its mapped one (w_quantized: W_q of the deployed
// weights), with the exact biases.
NetworkParams model_network(const Model& m, ForwardWeights which);

// Between the plain structs of a model file and Eigen.
Eigen::MatrixXd to_eigen(const MatrixD& m);
MatrixD to_matrix(const Eigen::MatrixXd& m);

}  // namespace xbarmc
