#include "mapping/map_layer.hpp"

#include "common/errors.hpp"
#include "mapping/array_plan.hpp"

namespace xbarmc {

MappedLayer map_layer(const MatrixD& w, const MappingParams& params) {
  LayerMapping logical = map_network_layer(w, {}, BiasMode::kDigital, params);
  MappedLayer m;
  m.params = params;
  m.n_out = logical.n_out;
  m.n_in = logical.n_in;
  m.shared_max = logical.shared_max;
  m.g_target_s = single_array_g_target(logical.g_target_s, m.n_in, m.n_out, params);
  m.levels_pos = std::move(logical.levels_pos);
  m.levels_neg = std::move(logical.levels_neg);
  m.w_q = std::move(logical.w_q);
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

std::vector<long> level_histogram(const MappedLayer& mapped) {
  std::vector<long> counts(static_cast<std::size_t>(mapped.params.n_levels()), 0);
  for (int k : mapped.levels_pos) ++counts[static_cast<std::size_t>(k)];
  for (int k : mapped.levels_neg) ++counts[static_cast<std::size_t>(k)];
  return counts;
}

}  // namespace xbarmc
