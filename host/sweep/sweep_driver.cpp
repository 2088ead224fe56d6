#include "sweep/sweep_driver.hpp"

#include "common/errors.hpp"
#include "common/number_text.hpp"

namespace xbarmc::study {

std::string test_threshold_ratio(const SweepRow& row) {
  return row.threshold_ratios.empty() ? round_trip_text(row.threshold_ratio)
                                      : ratios_text(row.threshold_ratios);
}

SweepSelection run_sweep_protocol(const std::vector<Combination>& grid, SweepObjective objective,
                                  double tolerance, SweepEvaluator& evaluator,
                                  const RowCallback& on_row) {
  if (grid.empty()) throw UserError("the sweep grid is empty");
  SweepSelection s;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const SplitEvaluation v = evaluator.evaluate(grid[i], i, "val", "calibrate");
    SweepRow row;
    row.combination = grid[i];
    row.threshold_ratio = v.threshold_ratio;
    row.threshold_ratios = v.threshold_ratios;
    row.cost = combination_cost(grid[i]);
    row.val_nominal = v.nominal_accuracy;
    row.val_mc_mean = v.mc_mean;
    row.val_mc_p5 = v.mc_p5;
    row.val_yield = v.yield;
    row.objective = objective_value(row, objective);
    s.rows.push_back(row);
    if (on_row) on_row(i, row);
  }
  s.best = select_best(s.rows);
  s.recommendation = select_recommendation(s.rows, s.best, tolerance);

  // The only test evaluations of the sweep.
  const SweepRow& best = s.rows[s.best];
  s.test_best = evaluator.evaluate(best.combination, s.best, "test", test_threshold_ratio(best));
  s.test_evaluations = 1;
  if (s.recommendation == s.best) {
    s.test_recommendation = s.test_best;
  } else {
    const SweepRow& rec = s.rows[s.recommendation];
    s.test_recommendation =
        evaluator.evaluate(rec.combination, s.recommendation, "test", test_threshold_ratio(rec));
    s.test_evaluations = 2;
  }
  return s;
}

}  // namespace xbarmc::study
