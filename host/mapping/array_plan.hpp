// Cutting a network's layers into physical arrays of R_a × C_a cells (DESIGN §2.7).
// Layer l (its logical rows, a bias row included, and its n_l outputs) is cut into
// row blocks of R_a rows and output blocks of C_a/2 outputs; array (l, r, c) holds
// rows [r·R_a, (r+1)·R_a) and outputs [c·C_a/2, (c+1)·C_a/2), both columns of each
// output, at local columns 2j′, 2j′+1 (interleaved) or j′, C_a/2 + j′ (blocked). Cells an
// array does not use hold level 0 (g_min). Arrays are numbered in (l, r, c) order and a
// cell's key is its array's cell_offset + row·C_a + column. R_a or C_a = 0 means the
// layer's own size (rows, 2·n_l): one array per layer, the one-layer chip of §2.3–2.5.
#pragma once

#include <cstdint>
#include <vector>

#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct LayerShape {
  int rows = 0;   // logical rows: n_{l−1}, plus 1 when the bias is a row
  int n_out = 0;  // outputs n_l (2·n_l logical columns)
};

struct ArrayTile {
  int layer = 0, row_block = 0, output_block = 0;
  int rows = 0, cols = 0;                  // the physical array, R_a × C_a (C_a even)
  int row_begin = 0, rows_used = 0;        // logical rows [row_begin, row_begin + rows_used)
  int output_begin = 0, outputs_used = 0;  // outputs [output_begin, output_begin + outputs_used)
  std::uint64_t cell_offset = 0;           // physical cells of all earlier arrays

  int outputs() const { return cols / 2; }  // outputs the array has room for
  std::uint64_t cells() const { return static_cast<std::uint64_t>(rows) * cols; }
  std::uint64_t cells_used() const {
    return 2 * static_cast<std::uint64_t>(rows_used) * outputs_used;
  }
};

struct ArrayPlan {
  std::vector<ArrayTile> arrays;  // (layer, row_block, output_block) order
  std::vector<int> layer_first;   // [n_layers + 1]: layer l owns arrays [first[l], first[l+1])
  std::uint64_t total_cells = 0;  // physical cells of the whole chip

  int n_arrays(int layer) const { return layer_first[layer + 1] - layer_first[layer]; }
};

// Throws UserError naming --array-rows / --array-cols: a negative size, an array smaller
// than 1 × 2, or an odd number of columns (each output needs a column pair). 0 is valid.
void validate_array_size(int array_rows, int array_cols);

// The arrays of `layers` on arrays of array_rows × array_cols (0 = each layer's own size).
ArrayPlan plan_arrays(const std::vector<LayerShape>& layers, int array_rows, int array_cols);

// The physical conductances of one array, [tile.rows × tile.cols] row-major, from its
// layer's logical targets `layer_g_target_s` [rows × 2·n_out] (interleaved, as in
// LayerMapping): used cells copied into the array's layout, unused cells at level 0.
std::vector<double> array_g_target(const ArrayTile& tile,
                                   const std::vector<double>& layer_g_target_s, int layer_n_out,
                                   const MappingParams& params);

// The level of each physical cell of one array, [tile.rows × tile.cols] in the same
// layout (unused cells: level 0), from its layer's levels [rows × n_out] (LayerMapping):
// what a level-dependent device model (DESIGN §2.8) needs per cell.
std::vector<int> array_levels(const ArrayTile& tile, const std::vector<int>& layer_levels_pos,
                              const std::vector<int>& layer_levels_neg, int layer_n_out,
                              Layout layout);

// One layer on one array of its own size: [rows × 2·n_out] in the physical columns of
// params.layout (interleaved 2j, 2j+1; blocked j, n_out + j). The one-layer chip's G.
std::vector<double> single_array_g_target(const std::vector<double>& layer_g_target_s, int rows,
                                          int n_out, const MappingParams& params);

}  // namespace xbarmc
