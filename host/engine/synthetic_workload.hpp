// A fixed synthetic study for tests and benchmarks: random weights W (n_out × n_in,
// standard normal) mapped with the seed's device (mapping.hpp defaults), uniform
// features in [0,1), labels = argmax W·x (so the nominal chip classifies well and
// variation visibly costs accuracy), I_fs and θ calibrated on the same images.
#pragma once

#include <cstdint>

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
