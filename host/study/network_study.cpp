#include "study/network_study.hpp"

#include <string>

#include "common/errors.hpp"
#include "engine/network.hpp"
#include "study/study_inputs.hpp"

namespace xbarmc::study {

bool is_network_study(const Model& model, const McConfig& c) {
  return !model.is_single_layer() || c.array_rows != 0 || c.array_cols != 0 ||
         c.device.a2a_sigma != 0.0 || !c.device_table.empty() || c.device.verify;
}

std::vector<LayerInputs> network_layers(const Model& model, const std::string& model_path) {
  std::vector<LayerInputs> layers;
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const ModelLayer& m = model.layers[l];
    LayerInputs li;
    li.n_in = m.n_in();
    li.n_out = m.n_out();
    li.bias_row = m.bias_row;
    li.g_target_s = m.g_target_s;
    if (m.has_bias() && !m.bias_row) {
      if (!(m.shared_max > 0.0)) {
        throw UserError(model_path + ": layer " + std::to_string(l) +
                        " has a bias but all its weights are zero (no scale for a digital "
                        "bias; map it as a row with --bias-mode row)");
      }
      for (double b : m.bias) li.bias_normalised.push_back(b / m.shared_max);
    }
    layers.push_back(std::move(li));
  }
  return layers;
}

NetworkCalibration resolve_network_readout(const McConfig& c, const StudyInputs& val,
                                           StudyInputs& in, int threads) {
  const NetworkCalibration cal = calibrate_network(
      val, parse_full_scale(c.full_scale), parse_threshold_ratio(c.threshold_ratio), threads);
  for (std::size_t l = 0; l < in.layers.size(); ++l) {
    in.layers[l].i_fs_a = cal.layers[l].i_fs_a;
    in.layers[l].threshold = cal.layers[l].threshold;
  }
  // The output layer's, where a one-layer reader looks (/reference/i_fs_a, threshold).
  in.readout.i_fs_a = in.layers.back().i_fs_a;
  in.neuron.threshold = in.layers.back().threshold;
  return cal;
}

NetworkRecord network_record(const Model& model, const StudyInputs& in,
                             const NetworkCalibration& cal) {
  const Network net = make_network(in);
  NetworkRecord record;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const NetworkLayer& nl = net.layers[l];
    const ModelLayer& m = model.layers[l];
    LayerRecord r;
    r.n_in = nl.in.n_in;
    r.n_out = nl.in.n_out;
    r.bias_mode = !m.has_bias() ? "none" : m.bias_row ? "row" : "digital";
    r.g_target_s = nl.in.g_target_s;
    if (m.has_bias() && !m.bias_row) r.bias = m.bias;
    r.shared_max = m.shared_max;
    r.array_rows = nl.array_rows;
    r.array_cols = nl.array_cols;
    r.arrays = nl.n_arrays;
    for (int k = nl.first_array; k < nl.first_array + nl.n_arrays; ++k) {
      const ArrayPlacement& a = net.arrays[static_cast<std::size_t>(k)];
      r.adcs += in.readout.scheme == Scheme::kA ? a.outs_used : 2 * a.outs_used;
    }
    const LayerCalibration& c = cal.layers[l];
    r.i_fs_a = c.i_fs_a;
    r.rho = c.rho;
    r.threshold_ratio = c.ratio;
    r.threshold = c.threshold;
    record.layers.push_back(std::move(r));
  }
  return record;
}

void restore_network_readout(const NetworkRecord& saved, StudyInputs& in) {
  if (saved.layers.size() != in.layers.size()) {
    throw UserError("--resume: the partial file records " + std::to_string(saved.layers.size()) +
                    " layers, the model has " + std::to_string(in.layers.size()));
  }
  for (std::size_t l = 0; l < in.layers.size(); ++l) {
    in.layers[l].i_fs_a = saved.layers[l].i_fs_a;
    in.layers[l].threshold = saved.layers[l].threshold;
  }
  in.readout.i_fs_a = in.layers.back().i_fs_a;
  in.neuron.threshold = in.layers.back().threshold;
}

}  // namespace xbarmc::study
