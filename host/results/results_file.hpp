// The HDF5 results file of a yield study (DESIGN §3; layout in README "Results file").
// It is written as "<out>.partial": created with every per-chip dataset preallocated
// [n_times × n_chips], then filled one chip batch at a time, each batch followed by
// the root attribute "chips_done" and a flush, so an interrupted study leaves a file
// that --resume continues. finish() adds the summary and yield datasets and renames
// the file onto <out>: the final file appears whole or not at all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "io/h5.hpp"
#include "results/network_record.hpp"
#include "stats/outcome.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {

struct Provenance {
  std::string version, git_describe, command_line, config_toml;
  std::string backend, device_name, created_utc;
  std::uint64_t seed = 0;
  std::string study_key;  // study_toml(): --resume continues only an identical study
};

// Everything known before the first chip is simulated.
struct ResultsHeader {
  Provenance provenance;
  std::vector<double> times_s;
  std::uint64_t chip_from = 0;  // global index of the first chip (a shard's start)
  std::uint64_t n_chips = 0;    // chips [chip_from, chip_from + n_chips)
  std::uint64_t n_images = 0;
  std::string split;
  ReferenceAccuracies refs;
  double threshold_ratio = 0.0, threshold = 0.0, i_fs_a = 0.0;
  std::vector<std::string> yield_specs;
  std::vector<double> yield_thresholds;
  int n_in = 0, n_out = 0;
  // The seed's one-layer chip: its mapping. A network has `network` instead.
  std::vector<double> g_target_s;                    // [n_in × 2·n_out]
  std::vector<std::int32_t> levels_pos, levels_neg;  // [n_in × n_out]
  NetworkRecord network;  // networks on many arrays (DESIGN §2.7); empty otherwise
  int timesteps = 0;      // T, for the per-layer spike rates of a network
  bool verify = false;    // write-verify (DESIGN §2.8): /mc/verify_* per chip
};

// The resolved readout stored in /reference, reused when a study is resumed.
struct ResultsReadout {
  double i_fs_a = 0.0;
  double threshold = 0.0;
};

std::string partial_path_for(const std::string& out_path);

// Write-verify's per-chip counts under /mc (DESIGN §2.8): pulses over the chip's
// non-stuck cells, the cells that still missed the tolerance, and those cells.
inline constexpr const char* kVerifyDatasets[3] = {"verify_pulses", "verify_failures",
                                                   "verify_cells"};

class ResultsFile {
 public:
  // Creates <out>.partial (replacing an old one) with the header written.
  static ResultsFile create(const std::string& out_path, const ResultsHeader& header);
  // Opens <out>.partial to continue it. Throws UserError when it is missing, not a
  // study file, or was started with other settings than `study_key` (naming the
  // first differing setting).
  static ResultsFile resume(const std::string& out_path, const std::string& study_key);

  std::uint64_t chips_done() const { return chips_done_; }  // a count, from chip_from()
  std::uint64_t chip_from() const { return chip_from_; }
  std::uint64_t n_chips() const { return n_chips_; }
  std::uint64_t n_images() const { return n_images_; }
  const std::vector<double>& times_s() const { return times_s_; }
  const ReferenceAccuracies& references() const { return refs_; }
  const ResultsReadout& readout() const { return readout_; }
  // The network's layers (resolved readout per layer); empty for the one-layer chip.
  const NetworkRecord& network() const { return network_; }
  // The open file, for a caller that adds its own groups before finish() (xbarmc merge).
  const h5::File& file() const { return file_; }

  // Writes chips [chip_begin, chip_end) (global indices; must start at
  // chip_from() + chips_done()) and records them as done.
  void append(const ChipBatchResult& batch);
  // Notes a resumption in the provenance (when, on which backend).
  void note_resumed(const std::string& utc, const std::string& backend,
                    const std::string& command_line);
  // All chips done: computes and writes statistics and yield, closes the file and
  // renames it onto the output path. Returns what was written.
  StudyOutcome finish();
  // Closes the partial file, keeping it for --resume.
  void close();

 private:
  ResultsFile(h5::File file, std::string out_path);
  void load_layout();

  h5::File file_;
  std::string out_path_;
  std::uint64_t chips_done_ = 0, chip_from_ = 0, n_chips_ = 0, n_images_ = 0;
  std::size_t n_times_ = 0;
  std::vector<double> times_s_;
  ReferenceAccuracies refs_;
  ResultsReadout readout_;
  NetworkRecord network_;
  int timesteps_ = 0;
  bool verify_ = false;
};

}  // namespace xbarmc::study
