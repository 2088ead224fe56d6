// The settings of one `xbarmc mc` yield study (DESIGN §2.6, §3), as one plain struct
// that the CLI and `xbarmc run` fill in, plus its canonical TOML text: stored in the
// results file (provenance) and compared on --resume so that a resumed study is the
// same study.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc::study {

struct McConfig {
  // What is simulated: these settings define the results.
  std::string model_path;
  std::string data_dir = kDefaultDataDir;  // IDX files of the split
  std::uint64_t chips = 100;
  // The chips this run simulates, [chips_from, chips_to) of the study's global chip
  // indices (DESIGN §6: a shard; chip c has the same random streams in every shard).
  // chips_to 0 = up to `chips`.
  std::uint64_t chips_from = 0;
  std::uint64_t chips_to = 0;
  std::string split = "test";
  std::int64_t images = 0;  // first K images of the split; 0 = all
  std::vector<double> times_s = {1.0};
  std::uint64_t seed = 1;
  std::vector<std::string> yield_specs = {"float-1pp", "float-2pp", "float-5pp"};
  DeviceParams device;
  ReadoutParams readout;                      // i_fs_a comes from full_scale
  NeuronParams neuron;                        // threshold comes from threshold_ratio
  std::string full_scale = "calibrated";      // calibrated | max | <amperes>[,<amperes>…]
  std::string threshold_ratio = "calibrate";  // calibrate | <ratio>[,<ratio>…]
  // Networks on chips of many arrays (DESIGN §2.7): R_a × C_a, 0 = each layer's size.
  int array_rows = 0;
  int array_cols = 0;
  // A measured level table (DESIGN §2.8): CSV path, empty = the scalar device options.
  // Write-verify is device.verify (--verify-tolerance, --verify-max-pulses).
  std::string device_table;

  // How it is run: these settings never change the results (DESIGN §4).
  std::string out_path;
  int threads = 0;                // 0 = all hardware threads
  std::string backend = "auto";   // auto | cpu | cuda
  std::uint64_t batch_chips = 0;  // chips per batch; 0 = adaptive (about 2 s per batch)
  bool quiet = false;
  bool print_summary = true;  // false: no summary table (drift and sweep print their own)
  bool resume = false;
  double progress_interval_s = 10.0;  // plain progress lines when stderr is not a terminal
  int stop_after_batches = 0;         // tests: stop as if interrupted after N batches (0 = never)
};

// End of the chip range [chips_from, chip_range_end(c)).
inline std::uint64_t chip_range_end(const McConfig& c) {
  return c.chips_to ? c.chips_to : c.chips;
}

// Names of the enumerations as the CLI and TOML spell them.
const char* c2c_model_name(C2cModel m);
const char* ir_drop_name(IrDropModel m);
const char* encoding_name(Encoding e);
const char* scheme_name(Scheme s);
const char* reset_name(Reset r);

// The result-defining settings as TOML (keys = the mc command's long option names),
// in a fixed order and with round-trip number formatting. `model_checksum` (of the
// model file's bytes) is included so that --resume notices a retrained model.
std::string study_toml(const McConfig& c, const std::string& model_checksum);
// study_toml plus the run settings (out, threads, backend, batch) as a [run]-free
// tail of the same keys: the provenance text stored in the results file.
std::string full_toml(const McConfig& c, const std::string& model_checksum);

// Checks what the engine's parameter validation does not: split, chips (at most 2^32,
// the engine's chip key) and the chip range (chips_from < chip_range_end ≤ chips), images,
// times, backend, output path, yield specs. Throws UserError naming the value.
void validate_study_settings(const McConfig& c);

}  // namespace xbarmc::study
