// Post-training quantization through the crossbar mapping (DESIGN §2.2–2.3): each
// weight becomes a pair of conductance levels and is represented on the chip by
//   W_q = shared_max·(G_pos − G_neg)/g_max,  shared_max = max|W| over the layer.
// QAT calls this in every forward pass, so it works on Eigen matrices directly.
#pragma once

#include <Eigen/Dense>

#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct QuantizedLayer {
  double shared_max = 0.0;
  Eigen::MatrixXi level_pos, level_neg;  // [n_out × n_in], like W
  Eigen::MatrixXd w_q;                   // [n_out × n_in]
};

QuantizedLayer quantize_layer(const Eigen::MatrixXd& w, const LevelTable& levels);

// The normalised conductances G/g_max of each cell of a quantized layer.
Eigen::MatrixXd normalised_pos(const QuantizedLayer& q, const LevelTable& levels);
Eigen::MatrixXd normalised_neg(const QuantizedLayer& q, const LevelTable& levels);

}  // namespace xbarmc
