// A trained (or imported) model: the input method with its constants, the network's
// layers (DESIGN §2.7: L ≥ 1 fully connected layers W_l [n_l × n_{l−1}], optional
// biases) with their weights at each stage and their mapping to conductances, and the
// accuracies. Saved as HDF5 by model_file.hpp (names and shapes documented there).
// Arrays are not part of the model: array_plan.hpp cuts a layer's logical targets.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/matrix.hpp"
#include "features/feature_spec.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

// Accuracy on {train, val, test}; NaN where a stage was not run.
using SplitAccuracy = std::array<double, 3>;
constexpr SplitAccuracy kNoAccuracy = {std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::quiet_NaN()};

struct ModelLayer {
  MatrixD w_float;           // [n_l × n_{l−1}] float training
  MatrixD w_qat;             // [n_l × n_{l−1}] QAT master weights (empty without QAT)
  MatrixD w_deployed;        // w_qat with QAT, else w_float: the weights to map
  MatrixD w_quantized;       // W_q of w_deployed: shared_max·(G_pos − G_neg)/g_max
  std::vector<double> bias;  // [n_l] the deployed bias, exact (empty: no bias)

  double shared_max = 0.0;  // digital bias: max|W_l|; row: max(max|W_l|, max|b_l|)
  bool bias_row = false;    // the bias is mapped as input row n_{l−1}
  // Logical interleaved columns: 2j positive, 2j+1 negative; rows = n_{l−1} (+1 with a
  // bias row, row index n_{l−1}).
  std::vector<int> levels_pos;     // [rows × n_l] row-major: (input row i, output j)
  std::vector<int> levels_neg;     // [rows × n_l]
  std::vector<double> g_target_s;  // [rows × 2·n_l] siemens

  int n_out() const { return w_deployed.rows; }
  int n_in() const { return w_deployed.cols; }
  int rows() const { return n_in() + (bias_row ? 1 : 0); }
  bool has_bias() const { return !bias.empty(); }
};

struct Model {
  FeatureSpec features;
  MappingParams mapping;
  BiasMode bias_mode = BiasMode::kDigital;
  std::uint64_t seed = 0;
  bool qat = false;
  double noise_aware_sigma = 0.0;  // 0: not noise-aware
  std::vector<ModelLayer> layers;  // at least one

  SplitAccuracy acc_float = kNoAccuracy;
  SplitAccuracy acc_ptq = kNoAccuracy;  // W_q of w_float
  SplitAccuracy acc_qat = kNoAccuracy;  // W_q of w_qat

  int n_layers() const { return static_cast<int>(layers.size()); }
  int n_in() const { return layers.front().n_in(); }
  int n_out() const { return layers.back().n_out(); }
  bool has_bias() const;
  // One layer without bias: the seed's chip, which today's engine runs (DESIGN §2.3–2.5).
  bool is_single_layer() const { return layers.size() == 1 && !has_bias(); }
};

// Fills each layer's shared_max, bias_row, levels, g_target_s and w_quantized from its
// w_deployed, bias, the model's mapping and bias mode (mapping/layer_mapping.hpp).
void map_deployed_weights(Model& model);

// The one-layer chip's G_target [n_in × 2·n_out] in the physical columns of
// mapping.layout (one array of the layer's size). Requires is_single_layer().
std::vector<double> single_layer_g_target(const Model& model);

// Throws UserError "<where>: networks of several layers or with biases need the network
// engine" unless the model is a single layer without bias.
void require_single_layer(const Model& model, const std::string& where);

}  // namespace xbarmc
