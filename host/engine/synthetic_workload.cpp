#include "engine/synthetic_workload.hpp"

#include <cmath>

#include "engine/calibration.hpp"
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
