#include "mapping/map_layer.hpp"

#include <cmath>

#include "common/errors.hpp"

namespace xbarmc {

MappedLayer map_layer(const MatrixD& w, const MappingParams& params) {
  MappedLayer m;
  m.params = params;
  m.n_out = w.rows;
  m.n_in = w.cols;
  for (double x : w.data) m.shared_max = std::fmax(m.shared_max, std::fabs(x));

  const LevelTable table = make_level_table(params);
  const std::size_t n_cells = static_cast<std::size_t>(m.n_in) * m.n_out;
  m.levels_pos.resize(n_cells);
  m.levels_neg.resize(n_cells);
  m.g_target_s.resize(static_cast<std::size_t>(m.n_in) * m.n_cols());
  m.w_q = MatrixD(m.n_out, m.n_in);
  for (int i = 0; i < m.n_in; ++i) {
    for (int j = 0; j < m.n_out; ++j) {
      const CellPair cell = map_weight(table, w(j, i), m.shared_max);
      const std::size_t at = static_cast<std::size_t>(i) * m.n_out + j;
      m.levels_pos[at] = cell.level_pos;
      m.levels_neg[at] = cell.level_neg;
      double* row = &m.g_target_s[static_cast<std::size_t>(i) * m.n_cols()];
      row[column_pos(params.layout, j, m.n_out)] =
          clamp_conductance(params, table.g_s[cell.level_pos]);
      row[column_neg(params.layout, j, m.n_out)] =
          clamp_conductance(params, table.g_s[cell.level_neg]);
      m.w_q(j, i) = dequantized_weight(table, cell, m.shared_max);
    }
  }
  return m;
}

int bl_sel_column(Layout layout, int bl_sel, int n_out) {
  if (bl_sel < 0 || bl_sel >= 2 * n_out) {
    throw InternalError("bl_sel " + std::to_string(bl_sel) + " outside 0.." +
                        std::to_string(2 * n_out - 1));
  }
  return bl_sel < n_out ? column_pos(layout, bl_sel, n_out)
                        : column_neg(layout, bl_sel - n_out, n_out);
}

QuantizationError quantization_error(const MatrixD& w, const MappedLayer& mapped) {
  QuantizationError e;
  if (w.data.empty()) return e;
  double sum = 0.0;
  for (std::size_t k = 0; k < w.data.size(); ++k) {
    const double d = std::fabs(w.data[k] - mapped.w_q.data[k]);
    sum += d;
    e.max_abs = std::fmax(e.max_abs, d);
  }
  e.mean_abs = sum / static_cast<double>(w.data.size());
  return e;
}

std::vector<long> level_histogram(const MappedLayer& mapped) {
  std::vector<long> counts(static_cast<std::size_t>(mapped.params.n_levels()), 0);
  for (int k : mapped.levels_pos) ++counts[static_cast<std::size_t>(k)];
  for (int k : mapped.levels_neg) ++counts[static_cast<std::size_t>(k)];
  return counts;
}

}  // namespace xbarmc
