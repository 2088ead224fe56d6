#include "engine/network.hpp"

#include <string>

#include "common/errors.hpp"
#include "mapping/array_plan.hpp"

namespace xbarmc {

bool Network::is_single_array() const {
  return layers.size() == 1 && arrays.size() == 1 && !layers[0].in.bias_row &&
         layers[0].in.bias_normalised.empty() && arrays[0].rows == layers[0].in.n_in &&
         arrays[0].cols == layers[0].in.n_cols();
}

std::vector<LayerInputs> study_layers(const StudyInputs& in) {
  if (!in.layers.empty()) return in.layers;
  LayerInputs l;
  l.n_in = in.n_in;
  l.n_out = in.n_out;
  l.g_target_s.resize(in.g_target_s.size());
  const int n_cols = in.n_cols();
  for (int i = 0; i < in.n_in; ++i) {
    const double* phys = in.g_target_s.data() + static_cast<std::size_t>(i) * n_cols;
    double* logical = l.g_target_s.data() + static_cast<std::size_t>(i) * n_cols;
    for (int j = 0; j < in.n_out; ++j) {
      logical[2 * j] = phys[column_pos(in.layout, j, in.n_out)];
      logical[2 * j + 1] = phys[column_neg(in.layout, j, in.n_out)];
    }
  }
  l.i_fs_a = in.readout.i_fs_a;
  l.threshold = in.neuron.threshold;
  return {l};
}

namespace {

void check_shapes(const std::vector<LayerInputs>& layers) {
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const LayerInputs& layer = layers[l];
    const std::string name = "layer " + std::to_string(l);
    if (layer.n_in < 1 || layer.n_out < 1) throw InternalError("engine: " + name + " is empty");
    if (l > 0 && layer.n_in != layers[l - 1].n_out) {
      throw UserError(name + " has " + std::to_string(layer.n_in) + " inputs but layer " +
                      std::to_string(l - 1) + " has " + std::to_string(layers[l - 1].n_out) +
                      " outputs");
    }
    if (layer.g_target_s.size() != static_cast<std::size_t>(layer.rows()) * layer.n_cols()) {
      throw InternalError("engine: " + name + " g_target_s is not rows x 2*n_out");
    }
    if (!layer.bias_normalised.empty() &&
        layer.bias_normalised.size() != static_cast<std::size_t>(layer.n_out)) {
      throw InternalError("engine: " + name + " bias is not n_out long");
    }
  }
}

}  // namespace

Network make_network(const StudyInputs& in, bool resolved) {
  const std::vector<LayerInputs> layers = study_layers(in);
  if (layers.empty()) throw InternalError("engine: a network without layers");
  check_shapes(layers);
  std::vector<LayerShape> shapes;
  for (const LayerInputs& l : layers) shapes.push_back({l.rows(), l.n_out});
  const ArrayPlan plan = plan_arrays(shapes, in.array_rows, in.array_cols);  // checks the sizes
  if (plan.total_cells > (std::uint64_t(1) << 32)) {
    throw UserError("the network needs " + std::to_string(plan.total_cells) +
                    " physical cells per chip, more than the 2^32 its 32-bit cell keys hold; "
                    "use smaller arrays or a smaller network");
  }
  Network net;
  net.noisy = in.device.read_sigma != 0.0 || in.device.read_sigma_abs_a != 0.0;
  net.level_device = in.level_device;
  net.level_read_sigma = in.level_read_sigma && !in.level_device.empty();
  if (net.level_read_sigma) {
    net.noisy = in.device.read_sigma_abs_a != 0.0;
    for (const LevelDevice& d : in.level_device) net.noisy = net.noisy || d.read_sigma != 0.0;
  }
  for (const LayerInputs& l : layers) {
    const std::size_t cells = static_cast<std::size_t>(l.rows()) * l.n_out;
    if (in.level_device.empty()) continue;
    if (l.levels_pos.size() != cells || l.levels_neg.size() != cells) {
      throw InternalError("engine: a level table without the cells' levels");
    }
    for (const std::vector<int>* levels : {&l.levels_pos, &l.levels_neg}) {
      for (int k : *levels) {
        if (k < 0 || static_cast<std::size_t>(k) >= in.level_device.size()) {
          throw InternalError("engine: a cell's level is not in the level table");
        }
      }
    }
  }
  net.total_cells = plan.total_cells;
  MappingParams params = in.mapping;
  params.layout = in.layout;
  std::uint64_t columns = 0, outputs = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    NetworkLayer nl;
    nl.in = layers[l];
    nl.first_array = plan.layer_first[l];
    nl.n_arrays = plan.n_arrays(static_cast<int>(l));
    const ArrayTile& first = plan.arrays[static_cast<std::size_t>(nl.first_array)];
    nl.array_rows = first.rows;
    nl.array_cols = first.cols;
    nl.row_blocks = (nl.in.rows() + first.rows - 1) / first.rows;
    nl.output_blocks = nl.n_arrays / nl.row_blocks;
    for (int k = nl.first_array; k < nl.first_array + nl.n_arrays; ++k) {
      const ArrayTile& t = plan.arrays[static_cast<std::size_t>(k)];
      ArrayPlacement a;
      a.layer = t.layer;
      a.row_block = t.row_block;
      a.output_block = t.output_block;
      a.rows = t.rows;
      a.cols = t.cols;
      a.row_begin = t.row_begin;
      a.rows_used = t.rows_used;
      a.out_begin = t.output_begin;
      a.outs_used = t.outputs_used;
      a.cell_offset = static_cast<std::uint32_t>(t.cell_offset);
      a.column_offset = static_cast<std::uint32_t>(columns);
      a.output_offset = static_cast<std::uint32_t>(outputs);
      columns += static_cast<std::uint64_t>(t.cols);
      outputs += static_cast<std::uint64_t>(t.outputs());
      net.arrays.push_back(a);
      net.array_g_target.push_back(array_g_target(t, nl.in.g_target_s, nl.in.n_out, params));
      if (!in.level_device.empty()) {
        net.array_levels.push_back(
            array_levels(t, nl.in.levels_pos, nl.in.levels_neg, nl.in.n_out, in.layout));
      }
    }
    if (resolved) {
      ReadoutParams r = in.readout;
      r.i_fs_a = nl.in.i_fs_a;
      nl.unit_a = code_unit_a(r);
      nl.rc = make_read_constants(in.device, r);
      if (net.level_read_sigma) {  // σ_k is in the noise sums b = σ_k·a (readout.hpp)
        nl.rc.sr2 = 1.0f;
        nl.rc.noisy = net.noisy;
      }
      nl.threshold = static_cast<float>(nl.in.threshold);
      for (double b : nl.in.bias_normalised) {
        nl.bias_codes.push_back(
            digital_bias_codes(b, in.mapping.g_max_s(), in.readout.v_read_v, nl.unit_a));
      }
    }
    net.layers.push_back(std::move(nl));
  }
  const std::uint64_t channels = in.readout.scheme == Scheme::kA ? outputs : columns;
  const std::uint64_t normals = channels * static_cast<std::uint64_t>(in.readout.timesteps) *
                                std::max<std::uint64_t>(1, in.times_s.size());
  if (net.noisy && normals > (std::uint64_t(1) << 32)) {
    throw UserError("--times: " + std::to_string(in.times_s.size()) + " times x " +
                    std::to_string(in.readout.timesteps) + " timesteps x " +
                    std::to_string(channels) + " noise channels = " + std::to_string(normals) +
                    " read-noise draws per chip and image, at most 2^32 (fewer times or "
                    "timesteps, or smaller arrays)");
  }
  net.noise_channels = static_cast<std::uint32_t>(channels);
  return net;
}

}  // namespace xbarmc
