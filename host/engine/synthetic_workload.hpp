// A fixed synthetic study for tests and benchmarks: random weights W (n_out × n_in,
// standard normal) mapped with the seed's device (mapping.hpp defaults), uniform
// features in [0,1), labels = argmax W·x (so the nominal chip classifies well and
// variation visibly costs accuracy), I_fs and θ calibrated on the same images.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"

namespace xbarmc {

struct SyntheticSpec {
  int n_in = 64;
  int n_out = 10;
  int n_images = 1000;
  int timesteps = 16;
  std::uint64_t seed = 1;
};

// device: all defaults (ideal); readout: rate coding, scheme B, 6-bit ADC; I_fs =
// calibrated_full_scale and θ from calibrate_threshold. Change fields afterwards as
// needed (then re-resolve I_fs/θ if the readout changed).
StudyInputs make_synthetic_study(const SyntheticSpec& spec);

}  // namespace xbarmc

namespace xbarmc {

// A synthetic network for tests and benchmarks (DESIGN §2.7): layers n_in → hidden… →
// n_out with He-scaled normal weights (and biases) from the initialisation stream,
// uniform features, labels = argmax of the float network (ReLU hidden layers), mapped
// with the seed's device per layer (interleaved logical columns; `bias_row` maps the
// bias as an extra input row, else a digital bias), cut into `array_rows` ×
// `array_cols` arrays; I_fs and θ of every layer calibrated on the same images.
struct SyntheticNetworkSpec {
  int n_in = 64;
  std::vector<int> hidden = {32};
  int n_out = 10;
  int n_images = 200;
  int timesteps = 16;
  bool bias = false;
  bool bias_row = false;
  int array_rows = 0, array_cols = 0;
  double feature_max = 1.0;  // features uniform in [0, feature_max)
  std::uint64_t seed = 1;
};
StudyInputs make_synthetic_network(const SyntheticNetworkSpec& spec);

// Re-resolves I_fs and θ of every layer after a change of the readout (calibrate_network
// with the defaults, on the study's own images).
void recalibrate_network(StudyInputs& in);

}  // namespace xbarmc
