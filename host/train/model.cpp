#include "train/model.hpp"

#include "mapping/map_layer.hpp"

namespace xbarmc {

void map_deployed_weights(Model& model) {
  MappedLayer mapped = map_layer(model.w_deployed, model.mapping);
  model.shared_max = mapped.shared_max;
  model.levels_pos = std::move(mapped.levels_pos);
  model.levels_neg = std::move(mapped.levels_neg);
  model.g_target_s = std::move(mapped.g_target_s);
  model.w_quantized = std::move(mapped.w_q);
}

}  // namespace xbarmc
