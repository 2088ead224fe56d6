// What the kernels see of a study: plain pointers into device memory plus the
// constants in working precision (readout.hpp, neuron.hpp), passed by value to every
// launch. Owned and filled by CudaEngine (cuda_engine.cu); no kernel allocates.
#pragma once

#include <cstdint>

#include "xbarmc/mapping.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cuda {

// Study-wide, uploaded once per Engine::run.
struct DeviceInputs {
  int n_in = 0, n_out = 0, n_cols = 0, n_images = 0, n_times = 0, timesteps = 0;
  int words = 0;  // 64-row mask words per step
  Layout layout = Layout::kInterleaved;
  DeviceParams device;
  ReadoutParams readout;
  ReadConstants rc;
  float leak = 1.0f, threshold = 1.0f;  // as the CPU engine: (float) of the doubles
  Reset reset = Reset::kSubtract;
  std::uint64_t seed = 0;
  double g_min_s = 0.0, g_max_s = 0.0;
  const double* g_target_s = nullptr;        // [n_in × n_cols]
  const double* times_s = nullptr;           // [n_times]
  const float* features = nullptr;           // [n_images × n_in]
  const std::uint32_t* image_ids = nullptr;  // [n_images]
  const std::uint8_t* labels = nullptr;      // [n_images]
  std::uint64_t* masks = nullptr;            // [n_images × T × words], spike codes
  float* activations = nullptr;              // [n_images × n_in], direct encoding
};

// One batch of chips [chip_begin, chip_begin + n_chips). A time slot is one of the
// study's times, plus t0 as slot n_times when drift compensation needs it.
struct DeviceBatch {
  std::uint32_t chip_begin = 0;
  int n_chips = 0;
  int n_slots = 0;
  double* g_s = nullptr;      // [chip × slot × cell] conductances at the slot's time
  double* a_eff_s = nullptr;  // [chip × slot × cell] after IR-drop
  double* scratch = nullptr;  // [chip × slot × scratch_per] IR-drop solver scratch
  std::size_t scratch_per = 0;
  double* sums = nullptr;                   // [chip × slot] Σ_ij A_eff (compensation)
  float* a = nullptr;                       // [chip × time × cell] V_read·A_eff/unit, float
  float* a2 = nullptr;                      // [chip × time × cell] a·a
  float* gain = nullptr;                    // [chip × time] digital compensation gain
  std::uint32_t* correct = nullptr;         // [time × n_chips]
  std::uint32_t* no_spike = nullptr;        // [time × n_chips]
  unsigned long long* saturated = nullptr;  // [time × n_chips]
};

}  // namespace xbarmc::cuda
