// The engine boundary: a study hands an Engine plain data (StudyInputs) and a
// range of global chip indices; the engine returns per-(time, chip) counts.
// Backends (CPU, CUDA) produce identical results for the same inputs (DESIGN §4).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "xbarmc/mapping.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc {

// One layer of a network (DESIGN §2.7) as the engine takes it.
struct LayerInputs {
  int n_in = 0;           // n_{l−1}: inputs, without a bias row
  int n_out = 0;          // n_l
  bool bias_row = false;  // `--bias-mode row`: row n_in is driven at V_read every step
  // [rows() × 2·n_out] row-major, logical interleaved columns (2j positive, 2j+1
  // negative), before cutting into arrays.
  std::vector<double> g_target_s;
  // `--bias-mode digital`: b_j / shared_max_l per output (empty: no digital bias).
  std::vector<double> bias_normalised;
  double i_fs_a = 0.0;     // the layer's ADC full scale, resolved
  double threshold = 0.0;  // θ_l in code units (after the digital sums), resolved
  // The level of every cell, [rows() × n_out] each (row i, output j): only read with a
  // measured level table (StudyInputs::level_device), whose statistics are per level.
  std::vector<int> levels_pos, levels_neg;

  int rows() const { return n_in + (bias_row ? 1 : 0); }
  int n_cols() const { return 2 * n_out; }
};

// A study's plain inputs. A network fills `layers` (and the array size); without them
// the study is one layer on one array of its size: n_in, n_out, g_target_s,
// readout.i_fs_a and neuron.threshold below (the seed's chip).
struct StudyInputs {
  int n_in = 0;
  int n_out = 0;
  Layout layout = Layout::kInterleaved;  // within every array
  MappingParams mapping;                 // g_min/g_max for stuck and unused cells
  std::vector<double> g_target_s;        // [n_in × 2·n_out] row-major, physical columns
  std::vector<float> features;           // [n_images × n_in], each in [0, 1]
  std::vector<std::uint8_t> labels;      // [n_images]
  std::vector<std::uint32_t> image_ids;  // [n_images] keys of the input-spike streams
  std::vector<double> times_s;           // [n_times] seconds after programming
  DeviceParams device;
  ReadoutParams readout;  // i_fs_a resolved
  NeuronParams neuron;    // threshold resolved
  std::uint64_t seed = 0;
  std::vector<LayerInputs> layers;     // a network (DESIGN §2.7); empty: the layer above
  int array_rows = 0, array_cols = 0;  // R_a × C_a; 0 = that dimension of each layer's size
  // A measured level table's statistics per level (DESIGN §2.8; only with `layers`):
  // every cell takes its target level's C2C σ and drift ν, and with level_read_sigma its
  // relative read σ. Empty: device's scalars for every cell.
  std::vector<LevelDevice> level_device;
  bool level_read_sigma = false;

  int n_cols() const { return 2 * n_out; }
  int n_images() const { return static_cast<int>(labels.size()); }
  int n_times() const { return static_cast<int>(times_s.size()); }
};

// Results of chips [chip_begin, chip_end), laid out [n_times × n_chips] row-major; the
// per-layer counts [n_layers × n_times × n_chips].
struct ChipBatchResult {
  std::uint64_t chip_begin = 0;
  std::uint64_t chip_end = 0;
  std::vector<std::uint32_t> correct;
  std::vector<std::uint32_t> no_spike;         // images with no output spike at all
  std::vector<std::uint64_t> saturated;        // ADC reads whose code was clamped, all layers
  std::vector<std::uint64_t> layer_saturated;  // the same per layer
  std::vector<std::uint64_t> layer_spikes;     // neuron spikes per layer
  // Write-verify (device.verify), per chip [n_chips]: pulses over its non-stuck cells, how
  // many of those missed the tolerance, and how many there are.
  std::vector<std::uint64_t> verify_pulses, verify_failures, verify_cells;

  // Sizes every vector for `n_layers` × `n_times` × (end − begin) and zeroes it.
  void reset(std::uint64_t begin, std::uint64_t end, int n_times, int n_layers);
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;         // "cpu" or "cuda"
  virtual std::string device_name() const = 0;  // e.g. CPU model or GPU name
  virtual void run(const StudyInputs& inputs, std::uint64_t chip_begin, std::uint64_t chip_end,
                   ChipBatchResult& out) = 0;
  // Chips per run call that keep this engine busy (a GPU: many thousands), or 0 when
  // the caller's own batch size is as good.
  virtual std::uint64_t preferred_batch_chips() const { return 0; }
};

}  // namespace xbarmc
