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

struct StudyInputs {
  int n_in = 0;
  int n_out = 0;
  Layout layout = Layout::kInterleaved;
  MappingParams mapping;               // g_min/g_max for stuck cells
  std::vector<double> g_target_s;      // [n_in × 2·n_out] row-major, physical columns
  std::vector<float> features;         // [n_images × n_in], each in [0, 1]
  std::vector<std::uint8_t> labels;    // [n_images]
  std::vector<std::uint32_t> image_ids;  // [n_images] keys of the input-spike streams
  std::vector<double> times_s;         // [n_times] seconds after programming
  DeviceParams device;
  ReadoutParams readout;               // i_fs_a resolved
  NeuronParams neuron;                 // threshold resolved
  std::uint64_t seed = 0;

  int n_cols() const { return 2 * n_out; }
  int n_images() const { return static_cast<int>(labels.size()); }
  int n_times() const { return static_cast<int>(times_s.size()); }
};

// Results of chips [chip_begin, chip_end), laid out [n_times × n_chips] row-major.
struct ChipBatchResult {
  std::uint64_t chip_begin = 0;
  std::uint64_t chip_end = 0;
  std::vector<std::uint32_t> correct;
  std::vector<std::uint32_t> no_spike;    // images with no output spike at all
  std::vector<std::uint64_t> saturated;   // ADC reads whose code was clamped
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
