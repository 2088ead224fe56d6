// The results file of a sweep (DESIGN §3; layout read by analysis/xbarmc_analysis/io.py):
//   root attributes   provenance (as every results file), study = "sweep"
//   /sweep/table      compound, one row per combination in grid order: method, scheme,
//                     adc_bits, weight_bits, timesteps, reset, threshold_ratio, cost,
//                     val_nominal, val_mc_mean, val_mc_p5, val_yield, objective; a
//                     network sweep (is_network_sweep) adds hidden ("none", "256,64"),
//                     array_rows, array_cols (after method) and threshold_ratios (every
//                     layer's, "0.3,1", after threshold_ratio)
//   /sweep            attributes objective_name ("val_mc_p5", …), tolerance, cost_model,
//                     best_index, recommendation_index, test_evaluations (1 or 2)
//   /sweep/test/best, /sweep/test/recommendation
//                     the test evaluations in the mc layout (times, chip_index, correct,
//                     accuracy, summary/*, yield/*), with attributes float_accuracy,
//                     nominal_accuracy, row, threshold_ratio, configuration; a network's
//                     also threshold_ratios, and its record (results/network_record.hpp)
//                     under the group: mapping/layers/<l>, reference/layers/<l>. When
//                     best and recommendation coincide, recommendation is a second name
//                     (hard link) of the one evaluation.
// Written to a temporary file and renamed: it appears whole or not at all.
#pragma once

#include "sweep/sweep_config.hpp"
#include "sweep/sweep_driver.hpp"

namespace xbarmc::study {

// One line, also in --help and the report.
extern const char* const kCostModelText;

void write_sweep_results(const SweepConfig& config, const SweepSelection& s);

}  // namespace xbarmc::study
