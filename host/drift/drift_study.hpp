// `xbarmc drift` (DESIGN §2.6): the same chips followed over a log time grid, once
// without and once with global drift compensation. Each mode is an `xbarmc mc` study
// (same seed, so the same chips, inputs and noise; only the digital gain differs), run
// by the mc driver into <out>.uncompensated / <out>.compensated and then assembled
// into one drift results file: /drift/uncompensated, /drift/compensated (mc layout),
// /reference and /mapping. An interrupted drift study continues with --resume. Like an
// mc study it may be a shard of chips [chips-from, chips-to) that `xbarmc merge`
// combines with the others (results/merge.hpp).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "results/drift_file.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {

// 1 s, 1 h, 1 d, 30 d, 1 y, 10 y after programming (a year is 365.25 days).
const std::vector<double>& default_drift_times();

// Runs both modes (config.device.drift_compensation is ignored) and writes
// config.out_path. Bad settings throw UserError before any file is made.
DriftOutcome run_drift_study(const McConfig& config);

// One line per time: mean, p5 and yield of every spec, without and with compensation.
void print_drift_table(const DriftOutcome& o, std::FILE* out);

}  // namespace xbarmc::study
