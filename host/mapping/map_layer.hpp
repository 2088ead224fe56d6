// Mapping of a whole layer W [n_out × n_in] onto a crossbar (DESIGN §2.3): the
// per-cell physics is include/xbarmc/mapping.hpp; this adds the layer-wide
// shared_max, the physical column layout and the dequantized weights W_q.
#pragma once

#include <array>
#include <vector>

#include "common/matrix.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct MappedLayer {
  MappingParams params;
  int n_out = 0, n_in = 0;
  double shared_max = 0.0;         // max|W| over the layer; 0 for an all-zero layer
  std::vector<int> levels_pos;     // [n_in × n_out] row-major: (input row i, output j)
  std::vector<int> levels_neg;     // [n_in × n_out]
  std::vector<double> g_target_s;  // [n_in × n_cols]: physical columns of params.layout
  MatrixD w_q;                     // [n_out × n_in]: shared_max·(G_pos − G_neg)/g_max

  int n_cols() const { return 2 * n_out; }
  int level_pos(int i, int j) const { return levels_pos[static_cast<std::size_t>(i) * n_out + j]; }
  int level_neg(int i, int j) const { return levels_neg[static_cast<std::size_t>(i) * n_out + j]; }
  double g_target(int i, int col) const {
    return g_target_s[static_cast<std::size_t>(i) * n_cols() + col];
  }
};

// Maps W (n_out × n_in, finite values). `params` must be valid (validate_mapping).
MappedLayer map_layer(const MatrixD& w, const MappingParams& params);

// The physical column that logical bit-line select `bl_sel` drives, in the RTL's
// order (seed §8): bl_sel 0..n_out−1 are the positive columns of outputs 0..n_out−1,
// n_out..2·n_out−1 their negative columns.
int bl_sel_column(Layout layout, int bl_sel, int n_out);

// How far W_q is from W: mean and max of |W − W_q| over all weights.
struct QuantizationError {
  double mean_abs = 0.0, max_abs = 0.0;
};
QuantizationError quantization_error(const MatrixD& w, const MappedLayer& mapped);

// Number of cells (both columns of every weight) at each level k = 0..L−1.
std::vector<long> level_histogram(const MappedLayer& mapped);

}  // namespace xbarmc
