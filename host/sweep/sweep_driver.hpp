// The sweep protocol (DESIGN §2.6, seed "train/val/test"), independent of how one
// configuration is evaluated: every grid point is evaluated on val (threshold ratio
// calibrated there), the best case and the recommendation are chosen from the val table
// alone, and then each selected configuration is evaluated on test exactly once (once
// in all when best and recommendation coincide). The split is an argument of the
// evaluator, so a counting evaluator can check that nothing else touches test.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sweep/sweep_selection.hpp"

namespace xbarmc::study {

// What one Monte Carlo evaluation of a combination on one split found.
struct SplitEvaluation {
  double threshold_ratio = 0.0;          // as used (calibrated on val); a network's output layer's
  std::vector<double> threshold_ratios;  // a network's, per layer; empty for the one-layer chip
  double float_accuracy = 0.0;           // the float model on this split
  double nominal_accuracy = 0.0;         // the nominal chip
  double mc_mean = 0.0, mc_p5 = 0.0, yield = 0.0;
  std::string results_path;  // its mc results file, when there is one
  std::string checksum;      // of its correct counts (outcome.hpp), when known
};

class SweepEvaluator {
 public:
  virtual ~SweepEvaluator() = default;
  // `split` is "val" or "test"; `threshold_ratio` is "calibrate" (val) or the ratio that
  // val chose, in round-trip text (test): for a network the ratio of every layer, comma
  // separated (test_threshold_ratio). `row` numbers the grid point.
  virtual SplitEvaluation evaluate(const Combination& c, std::size_t row, const std::string& split,
                                   const std::string& threshold_ratio) = 0;
};

struct SweepSelection {
  std::vector<SweepRow> rows;  // the val table, in grid order
  std::size_t best = 0, recommendation = 0;
  SplitEvaluation test_best, test_recommendation;  // the same when best == recommendation
  int test_evaluations = 0;                        // 1 or 2
};

// What test is given for a row: every layer's ratio of a network, else the one ratio.
std::string test_threshold_ratio(const SweepRow& row);

// Called after each val row (for progress lines); may be empty.
using RowCallback = std::function<void(std::size_t row, const SweepRow&)>;

SweepSelection run_sweep_protocol(const std::vector<Combination>& grid, SweepObjective objective,
                                  double tolerance, SweepEvaluator& evaluator,
                                  const RowCallback& on_row = {});

}  // namespace xbarmc::study
