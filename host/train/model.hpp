// A trained model: the feature method with its constants, the on-chip layer's
// weights at each stage, their mapping to conductances and the accuracies.
// Saved as HDF5 by model_file.hpp (names and shapes documented there).
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

struct Model {
  FeatureSpec features;
  MappingParams mapping;
  std::uint64_t seed = 0;
  bool qat = false;
  double noise_aware_sigma = 0.0;  // 0: not noise-aware

  MatrixD w_float;      // [n_out × n_in] float training
  MatrixD w_qat;        // [n_out × n_in] QAT master weights (empty without QAT)
  MatrixD w_deployed;   // w_qat with QAT, else w_float: the weights to map
  MatrixD w_quantized;  // W_q of w_deployed: shared_max·(G_pos − G_neg)/g_max

  double shared_max = 0.0;         // max|w_deployed|
  std::vector<int> levels_pos;     // [n_in × n_out] row-major: (input row i, output j)
  std::vector<int> levels_neg;     // [n_in × n_out]
  std::vector<double> g_target_s;  // [n_in × 2·n_out] physical columns of mapping.layout

  SplitAccuracy acc_float = kNoAccuracy;
  SplitAccuracy acc_ptq = kNoAccuracy;  // W_q of w_float
  SplitAccuracy acc_qat = kNoAccuracy;  // W_q of w_qat

  int n_out() const { return w_float.rows; }
  int n_in() const { return w_float.cols; }
};

// Fills shared_max, levels_pos/neg, g_target_s and w_quantized from w_deployed
// and mapping.
void map_deployed_weights(Model& model);

}  // namespace xbarmc
