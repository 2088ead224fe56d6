#include "train/model.hpp"

#include <algorithm>
#include <cmath>

namespace xbarmc {

void map_deployed_weights(Model& model) {
  const MatrixD& w = model.w_deployed;
  const int n_out = w.rows, n_in = w.cols;
  const LevelTable levels = make_level_table(model.mapping);
  model.shared_max = 0.0;
  for (double v : w.data) model.shared_max = std::max(model.shared_max, std::abs(v));
  model.levels_pos.assign(static_cast<std::size_t>(n_in) * n_out, 0);
  model.levels_neg.assign(static_cast<std::size_t>(n_in) * n_out, 0);
  model.g_target_s.assign(static_cast<std::size_t>(n_in) * 2 * n_out, 0.0);
  model.w_quantized = MatrixD(n_out, n_in);
  for (int i = 0; i < n_in; ++i) {
    for (int j = 0; j < n_out; ++j) {
      const CellPair cell = map_weight(levels, w(j, i), model.shared_max);
      const std::size_t ij = static_cast<std::size_t>(i) * n_out + j;
      model.levels_pos[ij] = cell.level_pos;
      model.levels_neg[ij] = cell.level_neg;
      const std::size_t row = static_cast<std::size_t>(i) * 2 * n_out;
      model.g_target_s[row + column_pos(model.mapping.layout, j, n_out)] =
          clamp_conductance(model.mapping, levels.g_s[cell.level_pos]);
      model.g_target_s[row + column_neg(model.mapping.layout, j, n_out)] =
          clamp_conductance(model.mapping, levels.g_s[cell.level_neg]);
      model.w_quantized(j, i) = dequantized_weight(levels, cell, model.shared_max);
    }
  }
}

}  // namespace xbarmc
