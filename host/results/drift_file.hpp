// The drift results file (DESIGN §2.6, README "Drift report"): /drift/uncompensated
// and /drift/compensated in the /mc layout, /reference and /mapping, assembled from the
// two modes' finished mc results files; and its per-time numbers read back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xbarmc::h5 {
class File;
}

namespace xbarmc::study {

// Per-time numbers of one mode, as read back from the results file.
struct DriftSeries {
  std::vector<double> mean, p5;  // [n_times]
  std::vector<double> yield;     // [n_times × n_specs]
  std::string checksum;
};

struct DriftOutcome {
  std::vector<double> times_s;
  std::vector<std::string> specs;
  std::vector<double> thresholds;  // absolute accuracy per spec
  std::uint64_t n_chips = 0, n_images = 0;
  DriftSeries uncompensated, compensated;
};

// The groups under /drift, without and with compensation.
extern const char* const kDriftGroups[2];

// The two sub-studies' results files (complete mc files while the study runs).
std::string drift_part_path(const std::string& out_path, bool compensated);

// Assembles the drift results file `out_path` (written whole or not at all) from the
// finished mc results files of the two modes; the root study_key is the
// uncompensated study's without its mode, each /drift group keeps its mc study_key.
// `more` (may be empty) adds to the file before it is closed.
void write_drift_file(const std::string& uncompensated, const std::string& compensated,
                      const std::string& out_path,
                      const std::function<void(const h5::File&)>& more = {});

// Reads the per-time numbers of a drift results file.
DriftOutcome read_drift_outcome(const std::string& path);

}  // namespace xbarmc::study
