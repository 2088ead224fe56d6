#include "train/model.hpp"

#include "common/errors.hpp"
#include "mapping/array_plan.hpp"
#include "mapping/layer_mapping.hpp"

namespace xbarmc {

bool Model::has_bias() const {
  for (const ModelLayer& l : layers) {
    if (l.has_bias()) return true;
  }
  return false;
}

void map_deployed_weights(Model& model) {
  for (ModelLayer& layer : model.layers) {
    LayerMapping m =
        map_network_layer(layer.w_deployed, layer.bias, model.bias_mode, model.mapping);
    layer.shared_max = m.shared_max;
    layer.bias_row = m.bias_row;
    layer.levels_pos = std::move(m.levels_pos);
    layer.levels_neg = std::move(m.levels_neg);
    layer.g_target_s = std::move(m.g_target_s);
    layer.w_quantized = std::move(m.w_q);
  }
}

std::vector<double> single_layer_g_target(const Model& model) {
  if (!model.is_single_layer()) throw InternalError("single_layer_g_target: not one layer");
  const ModelLayer& l = model.layers.front();
  return single_array_g_target(l.g_target_s, l.rows(), l.n_out(), model.mapping);
}

void require_single_layer(const Model& model, const std::string& where) {
  if (model.is_single_layer()) return;
  throw UserError(where + ": a network of " + std::to_string(model.n_layers()) + " layer" +
                  (model.n_layers() == 1 ? "" : "s") + (model.has_bias() ? " with biases" : "") +
                  " needs the network engine (not yet in this build); mc, drift and sweep run "
                  "one layer without bias");
}

}  // namespace xbarmc
