// What the kernels see of a study: plain pointers into device memory plus the
// constants in working precision (readout.hpp, neuron.hpp), passed by value to every
// launch. Owned and filled by UploadedStudy and BatchBuffers; no kernel allocates.
#pragma once

#include <cstdint>

#include "xbarmc/hd.hpp"
#include "xbarmc/mapping.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cuda {

// How the inference kernel lays out a chip's read matrix and spreads a warp's lanes
// (inference_kernel.cuh). Output j's two physical columns sit side by side as pair j
// of every row, {a_pos, a_neg} or, when the noise needs squares of spike reads,
// {a_pos, a_neg, a2_pos, a2_neg}; one lane reads pairs g, g + 32, … (pairs_per_lane of
// them), and a warp holds images_per_warp images of lanes_per_image lanes each. Every
// lane's column sums then stay in its registers through ADC and neuron.
struct ReadLayout {
  int pairs_per_lane = 1;   // 1 for n_out ≤ 32, 2 for n_out ≤ 64
  int lanes_per_image = 1;  // n_out (pairs_per_lane 1) or 32
  int images_per_warp = 1;  // 32 / lanes_per_image
  int pairs = 0;            // pairs per row, padding (zeros) included
  bool squares = false;
  XBARMC_HD int pair_floats() const { return squares ? 4 : 2; }
  XBARMC_HD int row_floats() const { return pairs * pair_floats(); }
};

// Study-wide, uploaded once and kept while the study stays the same (UploadedStudy).
struct DeviceInputs {
  int n_in = 0, n_out = 0, n_cols = 0, n_images = 0, n_times = 0, timesteps = 0;
  int words = 0;  // 64-row mask words per step
  Layout layout = Layout::kInterleaved;
  ReadLayout read;
  int n_groups = 0;  // groups of read.images_per_warp consecutive images
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
  // Active rows of spike codes, per (group, step): for image k of the group, entries
  // list_start + k·iters … + iters − 1 of row_lists, the byte offsets (row ·
  // row bytes) of its spiking rows in ascending order, then of the zero row (row n_in)
  // up to iters, the group's largest count rounded up to a multiple of 4.
  const std::uint32_t* row_lists = nullptr;
  const std::uint64_t* list_start = nullptr;  // [n_groups × T]
  const std::uint32_t* list_iters = nullptr;  // [n_groups × T]
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
  double* sums = nullptr;   // [chip × slot] Σ_ij A_eff (compensation)
  std::uint32_t* direct_solve = nullptr;  // [chip × slot] 1: nodal IR-drop by block elimination
  float* a = nullptr;       // [chip × time × n_in × read.row_floats] V_read·A_eff/unit (and a²)
  float* gain = nullptr;    // [chip × time] digital gain (1 without compensation)
  std::uint32_t* correct = nullptr;         // [time × n_chips]
  std::uint32_t* no_spike = nullptr;        // [time × n_chips]
  unsigned long long* saturated = nullptr;  // [time × n_chips]
  unsigned long long* spikes = nullptr;     // [time × n_chips] output-neuron spikes
};

}  // namespace xbarmc::cuda
