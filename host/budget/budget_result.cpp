#include "budget/budget_result.hpp"

#include <cmath>
#include <cstdio>

#include "common/errors.hpp"

namespace xbarmc::study {
namespace {

// Mean and standard error of a − b over chips at time k.
void paired(const BudgetRowResult& a, const BudgetRowResult& b, std::size_t k, std::size_t n_chips,
            double* mean, double* se) {
  double sum = 0.0;
  for (std::size_t c = 0; c < n_chips; ++c) {
    sum += a.accuracy[k * n_chips + c] - b.accuracy[k * n_chips + c];
  }
  const double m = sum / static_cast<double>(n_chips);
  double ss = 0.0;
  for (std::size_t c = 0; c < n_chips; ++c) {
    const double d = a.accuracy[k * n_chips + c] - b.accuracy[k * n_chips + c] - m;
    ss += d * d;
  }
  *mean = m;
  *se = n_chips > 1
            ? std::sqrt(ss / static_cast<double>(n_chips - 1) / static_cast<double>(n_chips))
            : 0.0;
}

}  // namespace

std::size_t BudgetResult::row_index(const std::string& name) const {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].name == name) return i;
  }
  throw InternalError("budget: no row " + name);
}

BudgetRowResult reference_row(double accuracy, std::size_t n_times, std::size_t n_chips,
                              const std::vector<double>& thresholds) {
  BudgetRowResult r;
  r.accuracy.assign(n_times * n_chips, accuracy);
  r.mean.assign(n_times, accuracy);
  r.p5.assign(n_times, accuracy);
  for (std::size_t k = 0; k < n_times; ++k) {
    for (double t : thresholds) r.yield.push_back(meets_threshold(accuracy, t) ? 1.0 : 0.0);
  }
  r.wilson_low = r.wilson_high = r.yield;
  return r;
}

BudgetRowResult study_row(const McRun& run) {
  BudgetRowResult r;
  r.accuracy = run.accuracy;
  for (const Summary& s : run.outcome.summary) {
    r.mean.push_back(s.mean);
    r.p5.push_back(s.p5);
  }
  r.yield = run.outcome.yield_fraction;
  r.wilson_low = run.outcome.wilson_low;
  r.wilson_high = run.outcome.wilson_high;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(run.outcome.checksum));
  r.checksum = hex;
  return r;
}

void compute_costs(BudgetResult& r) {
  const std::size_t n_times = r.times_s.size(), n_chips = r.n_chips();
  const BudgetRowResult& nominal = r.results[r.row_index("nominal")];
  const BudgetRowResult& all = r.results[r.row_index("all")];
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    BudgetRowResult& row = r.results[i];
    row.cost.assign(n_times, 0.0);
    row.cost_se.assign(n_times, 0.0);
    for (std::size_t k = 0; k < n_times; ++k) {
      switch (r.rows[i].kind) {
        case RowKind::kReference:
          if (i > 0) row.cost[k] = r.results[i - 1].mean[k] - row.mean[k];
          break;
        case RowKind::kAlone:
        case RowKind::kAll:
          paired(nominal, row, k, n_chips, &row.cost[k], &row.cost_se[k]);
          break;
        case RowKind::kAllButOne:
          paired(row, all, k, n_chips, &row.cost[k], &row.cost_se[k]);
          break;
      }
    }
  }
}

}  // namespace xbarmc::study
