// Input spikes of a study, computed once per image (they depend on (image, t, row), not
// on the chip; encoding.hpp): spike codes as bitmasks [image][t][word] of 64 rows each,
// direct encoding as activations [image][row].
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"

namespace xbarmc {

struct InputPlan {
  Encoding encoding = Encoding::kRate;
  int n_images = 0;
  int n_in = 0;
  int timesteps = 0;
  int words = 0;                        // 64-row words per step
  std::vector<std::uint64_t> masks;     // spike codes
  std::vector<float> activations;       // direct
  std::uint64_t fingerprint = 0;        // of everything the plan was built from

  const std::uint64_t* step_mask(int image, int t) const {
    return masks.data() + (static_cast<std::size_t>(image) * timesteps + t) * words;
  }
  const float* image_activations(int image) const {
    return activations.data() + static_cast<std::size_t>(image) * n_in;
  }
};

// A hash of the features, image ids, seed and encoding settings.
std::uint64_t input_fingerprint(const StudyInputs& in);
void build_input_plan(const StudyInputs& in, InputPlan& plan);

}  // namespace xbarmc
