#include "engine/network.hpp"

#include <string>

#include "common/errors.hpp"

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

ArraySize layer_array_size(const LayerInputs& layer, int array_rows, int array_cols) {
  return {array_rows > 0 ? array_rows : layer.rows(), array_cols > 0 ? array_cols : layer.n_cols()};
}

namespace {

void check_shapes(const StudyInputs& in, const std::vector<LayerInputs>& layers) {
  if (in.array_rows < 0) {
    throw UserError("--array-rows " + std::to_string(in.array_rows) +
                    ": must be >= 1 (0 = each layer's own size)");
  }
  if (in.array_cols < 0 || in.array_cols == 1 || in.array_cols % 2 != 0) {
    throw UserError("--array-cols " + std::to_string(in.array_cols) +
                    ": must be even and >= 2 (two columns per output; 0 = each layer's own size)");
  }
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
  check_shapes(in, layers);
  Network net;
  net.noisy = in.device.read_sigma != 0.0 || in.device.read_sigma_abs_a != 0.0;
  const bool scheme_a = in.readout.scheme == Scheme::kA;
  const double g_min = in.mapping.g_min_s();
  std::uint64_t cells = 0, columns = 0, outputs = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    NetworkLayer nl;
    nl.in = layers[l];
    const ArraySize size = layer_array_size(nl.in, in.array_rows, in.array_cols);
    nl.array_rows = size.rows;
    nl.array_cols = size.cols;
    const int outs_per_array = size.cols / 2;
    nl.row_blocks = (nl.in.rows() + size.rows - 1) / size.rows;
    nl.output_blocks = (nl.in.n_out + outs_per_array - 1) / outs_per_array;
    nl.first_array = static_cast<int>(net.arrays.size());
    nl.n_arrays = nl.row_blocks * nl.output_blocks;
    for (int r = 0; r < nl.row_blocks; ++r) {
      for (int c = 0; c < nl.output_blocks; ++c) {
        ArrayPlacement a;
        a.layer = static_cast<int>(l);
        a.row_block = r;
        a.output_block = c;
        a.rows = size.rows;
        a.cols = size.cols;
        a.row_begin = r * size.rows;
        a.rows_used = std::min(size.rows, nl.in.rows() - a.row_begin);
        a.out_begin = c * outs_per_array;
        a.outs_used = std::min(outs_per_array, nl.in.n_out - a.out_begin);
        a.cell_offset = static_cast<std::uint32_t>(cells);
        a.column_offset = static_cast<std::uint32_t>(columns);
        a.output_offset = static_cast<std::uint32_t>(outputs);
        cells += static_cast<std::uint64_t>(a.rows) * a.cols;
        columns += static_cast<std::uint64_t>(a.cols);
        outputs += static_cast<std::uint64_t>(a.outputs());
        if (cells > (std::uint64_t(1) << 32)) {
          throw UserError(
              "the network needs more than 2^32 physical cells per chip (its keys are 32-bit); "
              "use smaller arrays or a smaller network");
        }
        // Physical targets: used cells from the logical matrix, the rest at level 0.
        std::vector<double> g(static_cast<std::size_t>(a.rows) * a.cols, g_min);
        for (int i = 0; i < a.rows_used; ++i) {
          const double* logical =
              nl.in.g_target_s.data() + static_cast<std::size_t>(a.row_begin + i) * nl.in.n_cols();
          double* row = g.data() + static_cast<std::size_t>(i) * a.cols;
          for (int j = 0; j < a.outs_used; ++j) {
            row[array_column_pos(in.layout, a, j)] = logical[2 * (a.out_begin + j)];
            row[array_column_neg(in.layout, a, j)] = logical[2 * (a.out_begin + j) + 1];
          }
        }
        net.arrays.push_back(a);
        net.array_g_target.push_back(std::move(g));
      }
    }
    if (resolved) {
      ReadoutParams r = in.readout;
      r.i_fs_a = nl.in.i_fs_a;
      nl.unit_a = code_unit_a(r);
      nl.rc = make_read_constants(in.device, r);
      nl.threshold = static_cast<float>(nl.in.threshold);
      for (double b : nl.in.bias_normalised) {
        nl.bias_codes.push_back(
            digital_bias_codes(b, in.mapping.g_max_s(), in.readout.v_read_v, nl.unit_a));
      }
    }
    net.layers.push_back(std::move(nl));
  }
  net.total_cells = cells;
  const std::uint64_t channels = scheme_a ? outputs : columns;
  const std::uint64_t normals = channels * static_cast<std::uint64_t>(in.readout.timesteps) *
                                std::max<std::uint64_t>(1, in.times_s.size());
  if (normals > (std::uint64_t(1) << 32)) {
    throw UserError(
        "the network reads more than 2^32 noise channels x timesteps x times per image "
        "(32-bit read-noise keys); use fewer --times or --timesteps, or smaller arrays");
  }
  net.noise_channels = static_cast<std::uint32_t>(channels);
  return net;
}

}  // namespace xbarmc
