// The mapping of one layer of a network (DESIGN §2.3, §2.7) in logical columns: each
// layer on its own scale, shared_max_l = max|W_l| with a digital bias, or
// max(max|W_l|, max|b_l|) when the bias is one more input row (row index n_in). The
// columns are the layer's logical ones, interleaved: 2j positive, 2j+1 negative;
// cutting them into physical arrays is array_plan.hpp's job.
#pragma once

#include <string>
#include <vector>

#include "common/matrix.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct LayerMapping {
  MappingParams params;
  int n_in = 0, n_out = 0;
  bool bias_row = false;           // the bias is mapped as row n_in (BiasMode::kRow)
  double shared_max = 0.0;         // 0 for an all-zero layer (every cell at level 0)
  std::vector<int> levels_pos;     // [rows × n_out] row-major: (input row i, output j)
  std::vector<int> levels_neg;     // [rows × n_out]
  std::vector<double> g_target_s;  // [rows × 2·n_out]: column 2j positive, 2j+1 negative
  MatrixD w_q;                     // [n_out × n_in]: shared_max·(G_pos − G_neg)/g_max
  std::vector<double> bias_q;      // [n_out] the bias row's dequantized values (bias_row only)

  int rows() const { return n_in + (bias_row ? 1 : 0); }
  int n_cols() const { return 2 * n_out; }
  int level_pos(int i, int j) const { return levels_pos[static_cast<std::size_t>(i) * n_out + j]; }
  int level_neg(int i, int j) const { return levels_neg[static_cast<std::size_t>(i) * n_out + j]; }
};

// Maps W [n_out × n_in] and its bias [n_out] (empty: none). With BiasMode::kDigital the
// bias stays off the array (the engine adds it after the ADC); with kRow it becomes
// row n_in. Values must be finite and `params` valid (validate_mapping).
LayerMapping map_network_layer(const MatrixD& w, const std::vector<double>& bias, BiasMode mode,
                               const MappingParams& params);

// "digital" / "row"; parse throws UserError naming the value.
const char* bias_mode_name(BiasMode mode);
BiasMode parse_bias_mode(const std::string& name);

// How far W_q is from W: mean and max of |W − W_q| over all weights.
struct QuantizationError {
  double mean_abs = 0.0, max_abs = 0.0;
};
QuantizationError quantization_error(const MatrixD& w, const MatrixD& w_q);

}  // namespace xbarmc
