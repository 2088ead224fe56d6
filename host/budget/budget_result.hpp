// What an accuracy budget found (DESIGN §2.9), row by row and time by time, and the
// costs derived from it on common random numbers: the same chips in every row, so a
// difference of two rows is taken chip by chip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "budget/budget_plan.hpp"
#include "results/mc_run.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {

struct BudgetRowResult {
  std::vector<double> accuracy;  // [n_times × n_chips]
  std::vector<double> mean, p5;  // [n_times]
  // [n_times × n_specs]; a reference row's yield is exact (every chip is the same
  // chip): its interval is [y, y].
  std::vector<double> yield, wilson_low, wilson_high;
  // [n_times] accuracy the row's factor(s) cost and its standard error: reference rows
  // the drop from the row above (float: 0); alone and all rows nominal − mean; an
  // all-but-X row mean(all but X) − mean(all), chip by chip, what X costs with every
  // other factor on.
  std::vector<double> cost, cost_se;
  std::string checksum;  // of the row's study's correct counts; "" for a reference row
};

struct BudgetResult {
  McConfig base;
  std::vector<BudgetRow> rows;
  std::vector<BudgetRowResult> results;  // one per row
  std::vector<double> times_s;
  std::vector<std::uint64_t> chip_index;
  std::uint64_t n_images = 0;
  std::vector<std::string> specs;
  std::vector<double> thresholds;
  ReferenceAccuracies refs;
  double ideal_adc_accuracy = 0.0;  // the nominal chip with --adc-bits 0
  double threshold_ratio = 0.0, threshold = 0.0, i_fs_a = 0.0;
  int studies_run = 0;               // distinct mc studies behind the rows
  std::string backend, device_name;  // where the studies ran

  std::size_t n_chips() const { return chip_index.size(); }
  std::size_t row_index(const std::string& name) const;  // throws InternalError if none
};

// A reference row: every chip at `accuracy` at every time.
BudgetRowResult reference_row(double accuracy, std::size_t n_times, std::size_t n_chips,
                              const std::vector<double>& thresholds);
// A row from its mc study.
BudgetRowResult study_row(const McRun& run);
// Fills every row's cost and cost_se (rows and results complete).
void compute_costs(BudgetResult& r);

}  // namespace xbarmc::study
