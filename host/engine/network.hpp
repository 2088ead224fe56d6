// A study's network as every engine runs it (DESIGN §2.7): its layers — the seed's
// one-layer chip of StudyInputs' own fields included — the physical arrays they are cut
// into with each array's target conductances, and per layer the constants of the read
// in working precision (readout.hpp). Built once per study; plain data.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"
#include "xbarmc/arrays.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {

struct NetworkLayer {
  LayerInputs in;
  int first_array = 0, n_arrays = 0;  // this layer's arrays: [first_array, first_array + n_arrays)
  int row_blocks = 0, output_blocks = 0;
  int array_rows = 0, array_cols = 0;  // R_a × C_a of its arrays
  double unit_a = 0.0;                 // one ADC code step (I_fs for an ideal ADC), A
  ReadConstants rc;                    // noise constants in units of unit_a
  std::vector<float> bias_codes;       // β_j of a digital bias, in codes; empty without
  float threshold = 1.0f;              // θ_l
};

struct Network {
  std::vector<NetworkLayer> layers;
  std::vector<ArrayPlacement> arrays;               // in (l, r, c) order
  std::vector<std::vector<double>> array_g_target;  // per array [rows × cols], physical, S
  // With a measured level table: per array the level of every physical cell (unused
  // cells level 0), and the statistics of each level; empty otherwise.
  std::vector<std::vector<int>> array_levels;
  std::vector<LevelDevice> level_device;
  bool level_read_sigma = false;     // per-level read σ: the noise sums b = σ_k·a (readout.hpp)
  std::uint64_t total_cells = 0;     // physical cells of the chip
  std::uint32_t noise_channels = 0;  // read-noise channels per step
  bool noisy = false;                // read noise on

  int n_layers() const { return static_cast<int>(layers.size()); }
  const NetworkLayer& output() const { return layers.back(); }
  // The seed's chip: one layer without a bias row on one array of its size, which the
  // one-layer fast paths run (same keys and results, DESIGN §2.7).
  bool is_single_array() const;
};

// The layers of `in`: in.layers, or the one layer of its own fields (physical columns
// turned into logical ones; I_fs and θ from readout and neuron).
std::vector<LayerInputs> study_layers(const StudyInputs& in);

// Validates the shapes (UserError naming the option or layer: chaining layers, an odd or
// too small --array-cols, more cells or noise channels than 32-bit keys hold) and cuts
// the layers into arrays (mapping/array_plan.hpp). I_fs and θ of every layer must be
// resolved when `resolved`.
Network make_network(const StudyInputs& in, bool resolved = true);

}  // namespace xbarmc
