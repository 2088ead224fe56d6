// What the network kernels see of a study of a network on chips of many arrays (DESIGN
// §2.7): plain pointers into device memory and the constants in working precision,
// passed by value to every launch. Filled by NetworkOnDevice (network_engine.cu) from
// the host's engine/network.hpp, so the arrays, keys, units and thresholds are the CPU
// engines' own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "xbarmc/arrays.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cuda {

struct DeviceLayer {
  int n_in = 0, n_out = 0, rows = 0, bias_row = 0;
  int first_array = 0, n_arrays = 0, row_blocks = 0, output_blocks = 0, outs_per_array = 0;
  int s_offset = 0;      // inputs of one step in the block's shared vector s (row blocks · R_a)
  int state_offset = 0;  // potentials and counts of its outputs in the shared state
  int bias_offset = -1;  // first of its n_out digital bias codes, -1 without
  float threshold = 1.0f;
  ReadConstants rc;
  double unit_a = 1.0;
};

struct DeviceNetwork {
  int n_layers = 0, n_arrays = 0, n_images = 0, n_times = 0, timesteps = 0;
  int words0 = 0;  // 64-row mask words per step of layer 0's inputs
  std::uint32_t total_cells = 0, noise_channels = 0;
  bool noisy = false, dense = false;  // dense: direct encoding (analog layer-0 inputs)
  Layout layout = Layout::kInterleaved;
  Scheme scheme = Scheme::kB;
  int adc_bits = 0;
  float leak = 1.0f;
  Reset reset = Reset::kSubtract;
  std::uint64_t seed = 0;
  DeviceParams device;
  double v_read_v = 0.0, g_min_s = 0.0, g_max_s = 0.0;
  int s_floats = 0, state_floats = 0, partial_floats = 0;  // shared memory of the inference
  const ArrayPlacement* arrays = nullptr;                  // [n_arrays]
  const DeviceLayer* layers = nullptr;                     // [n_layers]
  const double* g_target_s = nullptr;                      // [total_cells] by cell key, physical
  // A measured level table (DESIGN §2.8): the statistics of every level and the level of
  // every cell by key; null without one (device's scalars). level_read_sigma: the read
  // noise sums come from the noise matrices b (NetworkBatch::b).
  const LevelDevice* level_device = nullptr;  // [levels]
  const std::int32_t* cell_level = nullptr;   // [total_cells]
  bool level_read_sigma = false;
  const float* bias_codes = nullptr;         // digital biases of every layer
  const double* times_s = nullptr;           // [n_times]
  const std::uint64_t* masks = nullptr;      // [image × T × words0] spike codes
  const float* activations = nullptr;        // [image × n_in] direct encoding
  const std::uint32_t* image_ids = nullptr;  // [n_images]
  const std::uint8_t* labels = nullptr;      // [n_images]
};

// One batch of chips [chip_begin, chip_begin + n_chips).
struct NetworkBatch {
  std::uint32_t chip_begin = 0;
  int n_chips = 0;
  double* g_s = nullptr;      // [chip × cells] conductances at the time being built
  double* a_eff_s = nullptr;  // [chip × cells] after IR-drop (g_s itself without)
  double* scratch = nullptr;  // [chip × array × scratch_per] IR-drop solver scratch
  std::size_t scratch_per = 0;
  double* sum_t0 = nullptr;  // [chip × array] Σ A_eff at t0 (compensation)
  double* sum_t = nullptr;   // [chip × array] Σ A_eff at the time being built
  float* a = nullptr;        // [chip × time × cells] read matrices, read_matrix_entry
  float* b = nullptr;  // [chip × time × cells] noise matrices, noise_matrix_entry (level σ only)
  float* gain = nullptr;                    // [chip × time × array] digital compensation gains
  std::uint32_t* correct = nullptr;         // [time × n_chips]
  std::uint32_t* no_spike = nullptr;        // [time × n_chips]
  unsigned long long* saturated = nullptr;  // [layer × time × n_chips]
  unsigned long long* spikes = nullptr;     // [layer × time × n_chips]
  // Write-verify (device.verify): pulses, failed cells and cells, each [n_chips].
  unsigned long long* verify = nullptr;  // [3 × n_chips]
};

}  // namespace xbarmc::cuda
