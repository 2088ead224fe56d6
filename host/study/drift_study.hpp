// `xbarmc drift` (DESIGN §2.6): the same chips followed over a log time grid, once
// without and once with global drift compensation. Each mode is an `xbarmc mc` study
// (same seed, so the same chips, inputs and noise; only the digital gain differs), run
// by the mc driver into <out>.uncompensated / <out>.compensated and then assembled
// into one drift results file: /drift/uncompensated, /drift/compensated (mc layout),
// /reference and /mapping. An interrupted drift study continues with --resume. Like an
// mc study it may be a shard of chips [chips-from, chips-to) that `xbarmc merge`
// combines with the others (study/merge.hpp).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "study/mc_config.hpp"

namespace xbarmc::h5 {
class File;
}

namespace xbarmc::study {

// 1 s, 1 h, 1 d, 30 d, 1 y, 10 y after programming (a year is 365.25 days).
const std::vector<double>& default_drift_times();

// The two sub-studies' results files (complete mc files while the study runs).
std::string drift_part_path(const std::string& out_path, bool compensated);

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

// Runs both modes (config.device.drift_compensation is ignored) and writes
// config.out_path. Bad settings throw UserError before any file is made.
DriftOutcome run_drift_study(const McConfig& config);

// The groups under /drift, without and with compensation.
extern const char* const kDriftGroups[2];

// Assembles the drift results file `out_path` (written whole or not at all) from the
// finished mc results files of the two modes; the root study_key is the
// uncompensated study's without its mode, each /drift group keeps its mc study_key.
// `more` (may be empty) adds to the file before it is closed.
void write_drift_file(const std::string& uncompensated, const std::string& compensated,
                      const std::string& out_path,
                      const std::function<void(const h5::File&)>& more = {});

// Reads the per-time numbers of a drift results file.
DriftOutcome read_drift_outcome(const std::string& path);

// One line per time: mean, p5 and yield of every spec, without and with compensation.
void print_drift_table(const DriftOutcome& o, std::FILE* out);

}  // namespace xbarmc::study
