#include "engine/synthetic_workload.hpp"

#include <algorithm>
#include <cmath>

#include "engine/calibration.hpp"
#include "engine/network_calibration.hpp"
#include "mapping/map_layer.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {

StudyInputs make_synthetic_study(const SyntheticSpec& spec) {
  StudyInputs in;
  in.n_in = spec.n_in;
  in.n_out = spec.n_out;
  in.seed = spec.seed;
  in.readout.timesteps = spec.timesteps;
  // Weights: normal w of stream (seed, kInitialisation, a = 0x5157); features: uniform of a =
  // 0x5158.
  const Stream weight_stream = make_stream(spec.seed, Purpose::kInitialisation, 0x5157u);
  const Stream feature_stream = make_stream(spec.seed, Purpose::kInitialisation, 0x5158u);
  MatrixD w(spec.n_out, spec.n_in);
  for (std::size_t q = 0; q < w.data.size(); ++q) {
    w.data[q] = stream_normal_double(weight_stream, static_cast<std::uint32_t>(q));
  }
  in.g_target_s = map_layer(w, in.mapping).g_target_s;
  in.features.resize(static_cast<std::size_t>(spec.n_images) * spec.n_in);
  for (std::size_t q = 0; q < in.features.size(); ++q) {
    in.features[q] = uniform_float(stream_word(feature_stream, static_cast<std::uint32_t>(q)));
  }
  in.labels.resize(static_cast<std::size_t>(spec.n_images));
  in.image_ids.resize(in.labels.size());
  for (int image = 0; image < spec.n_images; ++image) {
    int best = 0;
    double best_logit = -1e300;
    for (int j = 0; j < spec.n_out; ++j) {
      double logit = 0.0;
      for (int i = 0; i < spec.n_in; ++i) {
        logit += w(j, i) * in.features[static_cast<std::size_t>(image) * spec.n_in + i];
      }
      if (logit > best_logit) {
        best_logit = logit;
        best = j;
      }
    }
    in.labels[static_cast<std::size_t>(image)] = static_cast<std::uint8_t>(best);
    in.image_ids[static_cast<std::size_t>(image)] = static_cast<std::uint32_t>(image);
  }
  in.times_s = {1.0};
  in.readout.i_fs_a = calibrated_full_scale(in);
  in.neuron.threshold = calibrate_threshold(in, default_threshold_candidates()).threshold;
  return in;
}

}  // namespace xbarmc

namespace xbarmc {

StudyInputs make_synthetic_network(const SyntheticNetworkSpec& spec) {
  StudyInputs in;
  in.n_in = spec.n_in;
  in.seed = spec.seed;
  in.readout.timesteps = spec.timesteps;
  in.array_rows = spec.array_rows;
  in.array_cols = spec.array_cols;
  std::vector<int> sizes = {spec.n_in};
  sizes.insert(sizes.end(), spec.hidden.begin(), spec.hidden.end());
  sizes.push_back(spec.n_out);
  std::vector<MatrixD> weights;
  std::vector<std::vector<double>> biases;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const int n_in = sizes[l], n_out = sizes[l + 1];
    // He initialisation: N(0, 2/n_in); biases N(0, 0.1²).
    const Stream ws =
        make_stream(spec.seed, Purpose::kInitialisation, 0x5200u + static_cast<std::uint32_t>(l));
    MatrixD w(n_out, n_in);
    const double scale = std::sqrt(2.0 / n_in);
    for (std::size_t q = 0; q < w.data.size(); ++q) {
      w.data[q] = scale * stream_normal_double(ws, static_cast<std::uint32_t>(q));
    }
    std::vector<double> b;
    if (spec.bias) {
      for (int j = 0; j < n_out; ++j) {
        b.push_back(0.1 * stream_normal_double(ws, static_cast<std::uint32_t>(w.data.size() + j)));
      }
    }
    LayerInputs layer;
    layer.n_in = n_in;
    layer.n_out = n_out;
    layer.bias_row = spec.bias && spec.bias_row;
    MatrixD mapped_w = w;
    if (layer.bias_row) {  // the bias as input row n_in, on the layer's scale
      mapped_w = MatrixD(n_out, n_in + 1);
      for (int j = 0; j < n_out; ++j) {
        for (int i = 0; i < n_in; ++i) mapped_w(j, i) = w(j, i);
        mapped_w(j, n_in) = b[static_cast<std::size_t>(j)];
      }
    }
    const MappedLayer m = map_layer(mapped_w, in.mapping);  // interleaved: logical columns
    layer.g_target_s = m.g_target_s;
    layer.levels_pos = m.levels_pos;  // read only with a measured level table
    layer.levels_neg = m.levels_neg;
    if (spec.bias && !spec.bias_row && m.shared_max > 0.0) {
      for (double bj : b) layer.bias_normalised.push_back(bj / m.shared_max);
    }
    in.layers.push_back(std::move(layer));
    weights.push_back(std::move(w));
    biases.push_back(std::move(b));
  }
  const Stream feature_stream = make_stream(spec.seed, Purpose::kInitialisation, 0x5158u);
  in.features.resize(static_cast<std::size_t>(spec.n_images) * spec.n_in);
  for (std::size_t q = 0; q < in.features.size(); ++q) {
    in.features[q] = static_cast<float>(spec.feature_max) *
                     uniform_float(stream_word(feature_stream, static_cast<std::uint32_t>(q)));
  }
  in.labels.resize(static_cast<std::size_t>(spec.n_images));
  in.image_ids.resize(in.labels.size());
  for (int image = 0; image < spec.n_images; ++image) {
    std::vector<double> h(in.features.begin() + static_cast<std::ptrdiff_t>(image) * spec.n_in,
                          in.features.begin() + static_cast<std::ptrdiff_t>(image + 1) * spec.n_in);
    for (std::size_t l = 0; l < weights.size(); ++l) {
      std::vector<double> next(static_cast<std::size_t>(weights[l].rows), 0.0);
      for (int j = 0; j < weights[l].rows; ++j) {
        double sum = biases[l].empty() ? 0.0 : biases[l][static_cast<std::size_t>(j)];
        for (int i = 0; i < weights[l].cols; ++i)
          sum += weights[l](j, i) * h[static_cast<std::size_t>(i)];
        next[static_cast<std::size_t>(j)] = l + 1 < weights.size() ? std::max(0.0, sum) : sum;
      }
      h = std::move(next);
    }
    in.labels[static_cast<std::size_t>(image)] =
        static_cast<std::uint8_t>(std::max_element(h.begin(), h.end()) - h.begin());
    in.image_ids[static_cast<std::size_t>(image)] = static_cast<std::uint32_t>(image);
  }
  in.n_out = spec.n_out;
  in.times_s = {1.0};
  recalibrate_network(in);
  return in;
}

void recalibrate_network(StudyInputs& in) {
  const NetworkCalibration c = calibrate_network(in, FullScaleChoice{}, ThresholdChoice{});
  for (std::size_t l = 0; l < in.layers.size(); ++l) {
    in.layers[l].i_fs_a = c.layers[l].i_fs_a;
    in.layers[l].threshold = c.layers[l].threshold;
  }
}

}  // namespace xbarmc
