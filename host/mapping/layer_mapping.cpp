#include "mapping/layer_mapping.hpp"

#include <cmath>

#include "common/errors.hpp"

namespace xbarmc {

LayerMapping map_network_layer(const MatrixD& w, const std::vector<double>& bias, BiasMode mode,
                               const MappingParams& params) {
  if (!bias.empty() && bias.size() != static_cast<std::size_t>(w.rows)) {
    throw InternalError("map_network_layer: bias length differs from the layer's outputs");
  }
  LayerMapping m;
  m.params = params;
  m.n_out = w.rows;
  m.n_in = w.cols;
  m.bias_row = mode == BiasMode::kRow && !bias.empty();
  for (double x : w.data) m.shared_max = std::fmax(m.shared_max, std::fabs(x));
  if (m.bias_row) {
    for (double b : bias) m.shared_max = std::fmax(m.shared_max, std::fabs(b));
  }

  const LevelTable table = make_level_table(params);
  const int rows = m.rows();
  const std::size_t n_cells = static_cast<std::size_t>(rows) * m.n_out;
  m.levels_pos.resize(n_cells);
  m.levels_neg.resize(n_cells);
  m.g_target_s.resize(2 * n_cells);
  m.w_q = MatrixD(m.n_out, m.n_in);
  if (m.bias_row) m.bias_q.resize(static_cast<std::size_t>(m.n_out));
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < m.n_out; ++j) {
      const double weight = i < m.n_in ? w(j, i) : bias[static_cast<std::size_t>(j)];
      const CellPair cell = map_weight(table, weight, m.shared_max);
      const std::size_t at = static_cast<std::size_t>(i) * m.n_out + j;
      m.levels_pos[at] = cell.level_pos;
      m.levels_neg[at] = cell.level_neg;
      m.g_target_s[2 * at] = clamp_conductance(params, table.g_s[cell.level_pos]);
      m.g_target_s[2 * at + 1] = clamp_conductance(params, table.g_s[cell.level_neg]);
      const double q = dequantized_weight(table, cell, m.shared_max);
      if (i < m.n_in) {
        m.w_q(j, i) = q;
      } else {
        m.bias_q[static_cast<std::size_t>(j)] = q;
      }
    }
  }
  return m;
}

const char* bias_mode_name(BiasMode mode) {
  return mode == BiasMode::kRow ? "row" : "digital";
}

BiasMode parse_bias_mode(const std::string& name) {
  if (name == "digital") return BiasMode::kDigital;
  if (name == "row") return BiasMode::kRow;
  throw UserError("bias mode '" + name + "': expected digital or row");
}

QuantizationError quantization_error(const MatrixD& w, const MatrixD& w_q) {
  QuantizationError e;
  if (w.data.empty()) return e;
  if (w_q.data.size() != w.data.size()) throw InternalError("quantization_error: shapes differ");
  double sum = 0.0;
  for (std::size_t k = 0; k < w.data.size(); ++k) {
    const double d = std::fabs(w.data[k] - w_q.data[k]);
    sum += d;
    e.max_abs = std::fmax(e.max_abs, d);
  }
  e.mean_abs = sum / static_cast<double>(w.data.size());
  return e;
}

}  // namespace xbarmc
