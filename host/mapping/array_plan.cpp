#include "mapping/array_plan.hpp"

#include <algorithm>
#include <string>

#include "common/errors.hpp"

namespace xbarmc {

void validate_array_size(int array_rows, int array_cols) {
  if (array_rows < 0) {
    throw UserError("--array-rows " + std::to_string(array_rows) +
                    ": an array is at least 1 x 2 cells (0 = the layer's own size)");
  }
  if (array_cols < 0 || array_cols == 1) {
    throw UserError("--array-cols " + std::to_string(array_cols) +
                    ": an array is at least 1 x 2 cells (0 = the layer's own size)");
  }
  if (array_cols % 2 != 0) {
    throw UserError("--array-cols " + std::to_string(array_cols) +
                    ": must be even, each output needs a positive and a negative column");
  }
}

ArrayPlan plan_arrays(const std::vector<LayerShape>& layers, int array_rows, int array_cols) {
  validate_array_size(array_rows, array_cols);
  ArrayPlan plan;
  plan.layer_first.push_back(0);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const LayerShape& s = layers[l];
    if (s.rows < 1 || s.n_out < 1) throw InternalError("plan_arrays: an empty layer");
    const int rows = array_rows > 0 ? array_rows : s.rows;
    const int cols = array_cols > 0 ? array_cols : 2 * s.n_out;
    const int per_array = cols / 2;
    const int row_blocks = (s.rows + rows - 1) / rows;
    const int output_blocks = (s.n_out + per_array - 1) / per_array;
    for (int r = 0; r < row_blocks; ++r) {
      for (int c = 0; c < output_blocks; ++c) {
        ArrayTile t;
        t.layer = static_cast<int>(l);
        t.row_block = r;
        t.output_block = c;
        t.rows = rows;
        t.cols = cols;
        t.row_begin = r * rows;
        t.rows_used = std::min(rows, s.rows - t.row_begin);
        t.output_begin = c * per_array;
        t.outputs_used = std::min(per_array, s.n_out - t.output_begin);
        t.cell_offset = plan.total_cells;
        plan.total_cells += t.cells();
        plan.arrays.push_back(t);
      }
    }
    plan.layer_first.push_back(static_cast<int>(plan.arrays.size()));
  }
  return plan;
}

std::vector<double> array_g_target(const ArrayTile& t, const std::vector<double>& layer_g_target_s,
                                   int layer_n_out, const MappingParams& params) {
  const std::size_t layer_cols = 2 * static_cast<std::size_t>(layer_n_out);
  if (layer_g_target_s.size() <
          (static_cast<std::size_t>(t.row_begin) + t.rows_used) * layer_cols ||
      t.output_begin + t.outputs_used > layer_n_out) {
    throw InternalError("array_g_target: the tile lies outside its layer");
  }
  const double g_level0 = clamp_conductance(params, level_conductance(params, 0));
  std::vector<double> g(static_cast<std::size_t>(t.cells()), g_level0);
  for (int i = 0; i < t.rows_used; ++i) {
    const double* src = &layer_g_target_s[(static_cast<std::size_t>(t.row_begin) + i) * layer_cols];
    double* dst = &g[static_cast<std::size_t>(i) * t.cols];
    for (int jl = 0; jl < t.outputs_used; ++jl) {
      const std::size_t j = static_cast<std::size_t>(t.output_begin) + jl;
      dst[column_pos(params.layout, jl, t.outputs())] = src[2 * j];
      dst[column_neg(params.layout, jl, t.outputs())] = src[2 * j + 1];
    }
  }
  return g;
}

std::vector<int> array_levels(const ArrayTile& t, const std::vector<int>& layer_levels_pos,
                              const std::vector<int>& layer_levels_neg, int layer_n_out,
                              Layout layout) {
  const auto n_out = static_cast<std::size_t>(layer_n_out);
  if (layer_levels_pos.size() < (static_cast<std::size_t>(t.row_begin) + t.rows_used) * n_out ||
      layer_levels_neg.size() != layer_levels_pos.size() ||
      t.output_begin + t.outputs_used > layer_n_out) {
    throw InternalError("array_levels: the tile lies outside its layer");
  }
  std::vector<int> levels(static_cast<std::size_t>(t.cells()), 0);
  for (int i = 0; i < t.rows_used; ++i) {
    const std::size_t src = (static_cast<std::size_t>(t.row_begin) + i) * n_out;
    int* dst = &levels[static_cast<std::size_t>(i) * t.cols];
    for (int jl = 0; jl < t.outputs_used; ++jl) {
      const std::size_t j = static_cast<std::size_t>(t.output_begin) + jl;
      dst[column_pos(layout, jl, t.outputs())] = layer_levels_pos[src + j];
      dst[column_neg(layout, jl, t.outputs())] = layer_levels_neg[src + j];
    }
  }
  return levels;
}

std::vector<double> single_array_g_target(const std::vector<double>& layer_g_target_s, int rows,
                                          int n_out, const MappingParams& params) {
  const ArrayPlan plan = plan_arrays({LayerShape{rows, n_out}}, 0, 0);
  return array_g_target(plan.arrays.front(), layer_g_target_s, n_out, params);
}

}  // namespace xbarmc
