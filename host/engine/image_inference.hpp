// One image through one chip at one time, on the CPU: the fast engine's inner loop.
// Input spikes come precomputed (InputPlan), the chip as a ReadMatrix, the hot
// pieces from a simd::Kernels table; nothing here allocates.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/chip_instance.hpp"
#include "engine/engine.hpp"
#include "engine/input_plan.hpp"
#include "engine/simd/kernels.hpp"

namespace xbarmc {

// How the rows of an image are summed and read, chosen once per study from the kernels
// and the shapes (each a separate function in image_inference.cpp):
//   kDense     direct encoding: analog activations times the rows, step by step
//   kSteps     spike codes, one step at a time (accumulate_spikes), then ADC and neurons
//   kAllSteps  spike codes, the rows of every step summed in one call (accumulate_steps;
//              n_in ≤ 64), then ADC and neurons step by step
//   kFused     kAllSteps from packed [a | a2] rows, then the scheme-B ADC and the neurons
//              of every step in one call (adc_neurons_steps; interleaved, n_out ≤ 16)
enum class ImagePath { kDense, kSteps, kAllSteps, kFused };

// Study constants in working precision.
struct InferenceSetup {
  int n_in = 0, n_out = 0, n_cols = 0, stride = 0, timesteps = 0, adc_bits = 0;
  Scheme scheme = Scheme::kB;
  ReadConstants rc;
  float leak = 1.0f, threshold = 1.0f;
  Reset reset = Reset::kSubtract;
  bool compensate = false;
  std::uint64_t seed = 0;
  std::vector<int> col_pos, col_neg;
  bool interleaved = false;  // col_pos[j] = 2j, col_neg[j] = 2j + 1 (simd::NeuronConstants)
  ImagePath path = ImagePath::kSteps;
  MatrixLayout layout = MatrixLayout::kA;  // the one layout the path reads (ReadMatrix)
  int row_floats = 0;                      // floats per row of it
};
InferenceSetup make_inference_setup(const StudyInputs& in, const simd::Kernels& k, int words);

// Per-thread scratch, sized once by prepare().
struct InferenceWorkspace {
  std::vector<float> read;  // [current | square] of every step, 2·stride·T floats
  std::vector<float> codes, z, v;
  std::vector<std::uint32_t> counts;
  void prepare(const InferenceSetup& s);
};

struct ImageOutcome {
  int predicted = 0;
  bool no_spike = false;
  std::uint32_t saturated = 0;
  std::uint32_t spikes = 0;  // output-neuron spikes over all steps
};

ImageOutcome infer_image(const simd::Kernels& k, const InferenceSetup& s, const ReadMatrix& m,
                         const InputPlan& plan, const float* activations_or_null, int image,
                         std::uint32_t image_id, std::uint32_t chip, int time_index,
                         InferenceWorkspace& w);

}  // namespace xbarmc
