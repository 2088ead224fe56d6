#include "train/quantize.hpp"

namespace xbarmc {

QuantizedLayer quantize_layer(const Eigen::MatrixXd& w, const LevelTable& levels) {
  QuantizedLayer q;
  q.shared_max = w.size() ? w.cwiseAbs().maxCoeff() : 0.0;
  q.level_pos.resize(w.rows(), w.cols());
  q.level_neg.resize(w.rows(), w.cols());
  q.w_q.resize(w.rows(), w.cols());
  for (Eigen::Index r = 0; r < w.rows(); ++r) {
    for (Eigen::Index c = 0; c < w.cols(); ++c) {
      const CellPair cell = map_weight(levels, w(r, c), q.shared_max);
      q.level_pos(r, c) = cell.level_pos;
      q.level_neg(r, c) = cell.level_neg;
      q.w_q(r, c) = dequantized_weight(levels, cell, q.shared_max);
    }
  }
  return q;
}

Eigen::MatrixXd normalised_pos(const QuantizedLayer& q, const LevelTable& levels) {
  return q.level_pos.unaryExpr([&levels](int k) { return levels.normalised[k]; });
}

Eigen::MatrixXd normalised_neg(const QuantizedLayer& q, const LevelTable& levels) {
  return q.level_neg.unaryExpr([&levels](int k) { return levels.normalised[k]; });
}

}  // namespace xbarmc
