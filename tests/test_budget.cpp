// The accuracy budget's rows and costs (host/budget/): which study each row runs, which
// rows share one, the paired costs chip by chip, and a row's yield and Wilson interval
// against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "budget/budget_plan.hpp"
#include "budget/budget_result.hpp"
#include "stats/outcome.hpp"

namespace xbarmc::study {
namespace {

McConfig two_factor_study() {
  McConfig c;
  c.model_path = "model.h5";
  c.out_path = "budget.h5";
  c.times_s = {1.0, 86400.0};
  c.readout.adc_bits = 5;
  c.device.c2c_sigma = 0.1;
  c.device.read_sigma = 0.02;
  return c;
}

const BudgetRow& row(const std::vector<BudgetRow>& rows, const std::string& name) {
  for (const BudgetRow& r : rows) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no row " + name);
}

TEST(BudgetPlan, RowsComeInTheDocumentedOrder) {
  const std::vector<BudgetRow> rows = plan_budget(two_factor_study(), "runs");
  std::vector<std::string> names;
  for (const BudgetRow& r : rows) names.push_back(r.name);
  const std::vector<std::string> expected = {"float",
                                             "mapped",
                                             "nominal-ideal-adc",
                                             "nominal",
                                             "d2d",
                                             "a2a",
                                             "c2c",
                                             "stuck",
                                             "read-noise",
                                             "ir-drop",
                                             "drift",
                                             "all",
                                             "all-but-d2d",
                                             "all-but-a2a",
                                             "all-but-c2c",
                                             "all-but-stuck",
                                             "all-but-read-noise",
                                             "all-but-ir-drop",
                                             "all-but-drift"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(row(rows, "c2c").study.out_path, "runs/c2c.h5");
}

TEST(BudgetPlan, AloneRowsHoldOneFactorAndAllButRowsAllButOne) {
  McConfig base = two_factor_study();
  base.device.d2d_sigma = 0.05;
  base.device.a2a_sigma = 0.03;
  base.device.p_stuck_on = 0.001;
  base.device.nu_mean = 0.01;
  base.device.ir_drop = IrDropModel::kFirstOrder;
  const std::vector<BudgetRow> rows = plan_budget(base, "runs");
  for (const BudgetRow& r : rows) {
    if (r.kind == RowKind::kReference) continue;
    for (int k = 0; k < kFactorCount; ++k) {
      const Factor f = kFactors[static_cast<std::size_t>(k)];
      const bool present = factor_present(r.study.device, f);
      switch (r.kind) {
        case RowKind::kAlone:
          EXPECT_EQ(present, k == r.factor) << r.name << " " << factor_name(f);
          break;
        case RowKind::kAll:
          EXPECT_TRUE(present) << factor_name(f);
          break;
        default:
          EXPECT_EQ(present, k != r.factor) << r.name << " " << factor_name(f);
      }
    }
    // Every setting but the device's flows through unchanged.
    EXPECT_EQ(r.study.times_s, base.times_s) << r.name;
    EXPECT_EQ(r.study.readout.adc_bits, 5) << r.name;
    EXPECT_EQ(r.study.seed, base.seed) << r.name;
    EXPECT_EQ(r.study.device.r_wl_ohm, base.device.r_wl_ohm) << r.name;
    EXPECT_TRUE(r.same_as.empty()) << r.name;  // every factor present: every study differs
  }
}

TEST(BudgetPlan, RowsWithTheSameStudyShareIt) {
  const std::vector<BudgetRow> rows = plan_budget(two_factor_study(), "runs");
  // Factors this device does not have: their alone rows are the nominal chip.
  for (const char* absent : {"d2d", "a2a", "stuck", "ir-drop", "drift"}) {
    EXPECT_EQ(row(rows, absent).same_as, "nominal") << absent;
    EXPECT_EQ(row(rows, std::string("all-but-") + absent).same_as, "all") << absent;
  }
  // With two factors, all but one of them is the other one alone.
  EXPECT_EQ(row(rows, "all-but-c2c").same_as, "read-noise");
  EXPECT_EQ(row(rows, "all-but-read-noise").same_as, "c2c");
  EXPECT_TRUE(row(rows, "c2c").same_as.empty());
  EXPECT_TRUE(row(rows, "all").same_as.empty());
}

TEST(BudgetPlan, RemovingAFactorSwitchesOffEveryOneOfItsSettings) {
  DeviceParams d;
  d.d2d_sigma = d.a2a_sigma = d.c2c_sigma = 0.1;
  d.p_stuck_on = d.p_stuck_off = 0.01;
  d.read_sigma_abs_a = 1e-9;
  d.drift_spread = 0.02;
  d.ir_drop = IrDropModel::kNodal;
  for (Factor f : kFactors) {
    EXPECT_TRUE(factor_present(d, f)) << factor_name(f);
    DeviceParams off = d;
    remove_factor(off, f);
    EXPECT_FALSE(factor_present(off, f)) << factor_name(f);
    for (Factor g : kFactors) {
      if (g != f) {
        EXPECT_TRUE(factor_present(off, g)) << factor_name(f) << " " << factor_name(g);
      }
    }
  }
}

BudgetRowResult rows_of(std::vector<double> accuracy) {
  BudgetRowResult r;
  r.accuracy = accuracy;
  double sum = 0.0;
  for (double a : accuracy) sum += a;
  r.mean = {sum / static_cast<double>(accuracy.size())};
  return r;
}

TEST(BudgetResult, CostsArePairedDifferencesChipByChip) {
  BudgetResult r;
  r.rows = plan_budget(two_factor_study(), "runs");
  r.times_s = {1.0};
  r.chip_index = {0, 1, 2, 3};
  r.results.resize(r.rows.size());
  const double nominal = 0.8;
  for (std::size_t i = 0; i < r.rows.size(); ++i) r.results[i] = rows_of({0.8, 0.8, 0.8, 0.8});
  r.results[0] = rows_of({0.9, 0.9, 0.9, 0.9});      // float
  r.results[1] = rows_of({0.85, 0.85, 0.85, 0.85});  // mapped
  r.results[r.row_index("c2c")] = rows_of({0.7, 0.8, 0.75, 0.75});
  r.results[r.row_index("all")] = rows_of({0.6, 0.7, 0.7, 0.6});
  r.results[r.row_index("all-but-c2c")] = rows_of({0.7, 0.7, 0.8, 0.7});
  compute_costs(r);
  EXPECT_DOUBLE_EQ(r.results[0].cost[0], 0.0);
  EXPECT_NEAR(r.results[1].cost[0], 0.05, 1e-15);
  // c2c alone: nominal − row per chip = 0.1, 0, 0.05, 0.05: mean 0.05, sample std
  // sqrt(0.005/3), standard error that / 2.
  const BudgetRowResult& c2c = r.results[r.row_index("c2c")];
  EXPECT_NEAR(c2c.cost[0], nominal - 0.75, 1e-12);
  EXPECT_NEAR(c2c.cost_se[0], std::sqrt(0.005 / 3.0) / 2.0, 1e-12);
  // all but c2c: what c2c costs with the rest on = (all but c2c) − all per chip:
  // 0.1, 0, 0.1, 0.1.
  const BudgetRowResult& but = r.results[r.row_index("all-but-c2c")];
  EXPECT_NEAR(but.cost[0], 0.075, 1e-12);
  EXPECT_NEAR(but.cost_se[0], std::sqrt(0.0075 / 3.0) / 2.0, 1e-12);
  EXPECT_NEAR(r.results[r.row_index("all")].cost[0], nominal - 0.65, 1e-12);
}

TEST(BudgetResult, RowYieldAndWilsonIntervalMatchHandValues) {
  // 10 chips of 100 images, 8 at or above the spec 0.75: yield 0.8, Wilson 95 %
  // [0.490162, 0.943318] (hand computed: centre (p + z²/2n)/(1 + z²/n), half-width
  // z/(1 + z²/n)·sqrt(p(1−p)/n + z²/4n²), z = 1.959964).
  McRun run;
  run.correct = {75, 80, 90, 74, 76, 99, 60, 75, 88, 91};
  for (std::uint32_t k : run.correct) run.accuracy.push_back(k / 100.0);
  run.outcome = compute_outcome(run.correct, {1.0}, 10, 100, {"0.75"}, {0.75});
  const BudgetRowResult row = study_row(run);
  ASSERT_EQ(row.yield.size(), 1u);
  EXPECT_DOUBLE_EQ(row.yield[0], 0.8);
  EXPECT_NEAR(row.wilson_low[0], 0.4901624715366418, 1e-12);
  EXPECT_NEAR(row.wilson_high[0], 0.9433178485456248, 1e-12);
  EXPECT_NEAR(row.mean[0], 0.808, 1e-12);
  EXPECT_EQ(row.checksum.size(), 16u);
  // A reference row is one chip repeated: its yield is exact.
  const BudgetRowResult ref = reference_row(0.74, 1, 10, {0.75, 0.7});
  EXPECT_EQ(ref.yield, (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(ref.wilson_low, ref.yield);
  EXPECT_EQ(ref.wilson_high, ref.yield);
}

}  // namespace
}  // namespace xbarmc::study
