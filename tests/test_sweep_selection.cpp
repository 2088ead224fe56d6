// Sweep selection (DESIGN §2.6): the cost model, best case and recommendation with
// their tie-breaks and tolerance, the grid order, and the protocol: every grid point
// is evaluated on val, and test is evaluated exactly once per selected configuration,
// after all val evaluations, with the threshold ratio val chose.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "sweep/sweep_config.hpp"
#include "sweep/sweep_driver.hpp"
#include "sweep/sweep_selection.hpp"

namespace xbarmc::study {
namespace {

SweepRow row(double objective, double cost) {
  SweepRow r;
  r.objective = objective;
  r.cost = cost;
  return r;
}

TEST(SweepCost, EachTermIsOneAtTheDesignDefaults) {
  Combination c;  // T 16, 6-bit ADC, 4-bit weights
  EXPECT_DOUBLE_EQ(combination_cost(c), 3.0);
  c.timesteps = 8;
  c.adc_bits = 3;
  c.weight_bits = 2;
  EXPECT_DOUBLE_EQ(combination_cost(c), 0.5 + 0.5 + 0.5);
}

TEST(SweepCost, FewerTimestepsAdcBitsOrWeightBitsAreCheaperAndSchemeResetAreFree) {
  Combination base;
  for (int axis = 0; axis < 3; ++axis) {
    Combination cheaper = base;
    if (axis == 0) cheaper.timesteps = 8;
    if (axis == 1) cheaper.adc_bits = 4;
    if (axis == 2) cheaper.weight_bits = 3;
    EXPECT_LT(combination_cost(cheaper), combination_cost(base)) << axis;
  }
  Combination other = base;
  other.scheme = Scheme::kA;
  other.reset = Reset::kZero;
  other.method = "proj_sup_64";
  EXPECT_EQ(combination_cost(other), combination_cost(base));
}

TEST(SweepSelection, BestIsTheHighestObjective) {
  const std::vector<SweepRow> rows = {row(0.70, 1.0), row(0.81, 3.0), row(0.75, 2.0)};
  EXPECT_EQ(select_best(rows), 1u);
}

TEST(SweepSelection, BestTiesGoToTheLowerCostThenTheEarlierRow) {
  EXPECT_EQ(select_best({row(0.8, 3.0), row(0.8, 2.0), row(0.8, 2.5)}), 1u);
  EXPECT_EQ(select_best({row(0.7, 1.0), row(0.8, 2.0), row(0.8, 2.0)}), 1u);
}

TEST(SweepSelection, RecommendationIsTheCheapestWithinTolerance) {
  // best 0.80 at cost 3; 0.795 at cost 2 and 0.79 at cost 1.5 are within 0.01;
  // 0.78 at cost 0.5 is not.
  const std::vector<SweepRow> rows = {row(0.80, 3.0), row(0.795, 2.0), row(0.79, 1.5),
                                      row(0.78, 0.5)};
  const std::size_t best = select_best(rows);
  ASSERT_EQ(best, 0u);
  EXPECT_EQ(select_recommendation(rows, best, 0.01), 2u);  // the edge 0.80 − 0.01 counts
  EXPECT_EQ(select_recommendation(rows, best, 0.0099), 1u);
  EXPECT_EQ(select_recommendation(rows, best, 0.02), 3u);
  EXPECT_EQ(select_recommendation(rows, best, 0.0), 0u);  // nothing cheaper is as good
}

TEST(SweepSelection, RecommendationTiesGoToTheHigherObjectiveThenTheEarlierRow) {
  const std::vector<SweepRow> rows = {row(0.80, 3.0), row(0.792, 1.0), row(0.797, 1.0),
                                      row(0.797, 1.0)};
  EXPECT_EQ(select_recommendation(rows, 0, 0.01), 2u);
}

TEST(SweepSelection, NegativeOrNanToleranceIsAUserError) {
  const std::vector<SweepRow> rows = {row(0.8, 1.0)};
  EXPECT_THROW(select_recommendation(rows, 0, -0.01), UserError);
  EXPECT_THROW(select_recommendation(rows, 0, std::nan("")), UserError);
}

TEST(SweepSelection, ObjectivesReadTheirColumn) {
  SweepRow r;
  r.val_nominal = 0.1;
  r.val_mc_mean = 0.2;
  r.val_mc_p5 = 0.3;
  r.val_yield = 0.4;
  EXPECT_EQ(objective_value(r, parse_objective("nominal")), 0.1);
  EXPECT_EQ(objective_value(r, parse_objective("mc_mean")), 0.2);
  EXPECT_EQ(objective_value(r, parse_objective("mc_p5")), 0.3);
  EXPECT_EQ(objective_value(r, parse_objective("yield")), 0.4);
  EXPECT_STREQ(objective_name(parse_objective("mc_p5")), "mc_p5");
  EXPECT_THROW(parse_objective("accuracy"), UserError);
}

TEST(SweepGrid, ExpandsEveryCombinationMethodOutermostResetInnermost) {
  SweepConfig c;
  c.methods = {"avg_8x8", "max_8x8"};
  c.weight_bits = {3, 4};
  c.schemes = {"A", "B"};
  c.adc_bits = {4, 6};
  c.timesteps = {8, 16};
  c.resets = {"subtract", "zero"};
  const std::vector<Combination> grid = expand_grid(c);
  ASSERT_EQ(grid.size(), 64u);
  EXPECT_EQ(describe(grid[0]), "avg_8x8 w3 A adc4 T8 subtract");
  EXPECT_EQ(describe(grid[1]), "avg_8x8 w3 A adc4 T8 zero");
  EXPECT_EQ(describe(grid[2]), "avg_8x8 w3 A adc4 T16 subtract");
  EXPECT_EQ(describe(grid[63]), "max_8x8 w4 B adc6 T16 zero");
}

TEST(SweepGrid, NetworkAxesSitBetweenWeightBitsAndScheme) {
  SweepConfig c;
  c.methods = {"raw"};
  c.hidden = {"none", "256,64"};
  c.arrays = {"0x0", "128x128"};
  c.schemes = {"A", "B"};
  EXPECT_TRUE(is_network_sweep(c));
  const std::vector<Combination> grid = expand_grid(c);
  ASSERT_EQ(grid.size(), 8u);
  EXPECT_EQ(describe(grid[0]), "raw w4 A adc6 T16 subtract");  // as before networks
  EXPECT_EQ(describe(grid[1]), "raw w4 B adc6 T16 subtract");
  EXPECT_EQ(describe(grid[2]), "raw w4 a128x128 A adc6 T16 subtract");
  EXPECT_EQ(describe(grid[7]), "raw h256,64 w4 a128x128 B adc6 T16 subtract");
  EXPECT_EQ(grid[7].hidden, (std::vector<int>{256, 64}));
  EXPECT_EQ(grid[7].array_rows, 128);
  EXPECT_EQ(grid[7].array_cols, 128);
  EXPECT_EQ(hidden_text(grid[0].hidden), "none");
  EXPECT_EQ(hidden_text(grid[7].hidden), "256,64");
  // The one-layer chip alone is not a network sweep; a bias or A2A variation makes one.
  SweepConfig plain;
  EXPECT_FALSE(is_network_sweep(plain));
  plain.bias = true;
  EXPECT_TRUE(is_network_sweep(plain));
  plain.bias = false;
  plain.base.device.a2a_sigma = 0.05;
  EXPECT_TRUE(is_network_sweep(plain));
}

TEST(SweepGrid, BadAxesAreUserErrorsNamingTheOption) {
  const auto fails_naming = [](SweepConfig c, const std::string& named) {
    c.out_path = "sweep.h5";
    try {
      validate_sweep_config(c);
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "no error for " << named;
  };
  SweepConfig c;
  c.schemes = {"C"};
  fails_naming(c, "--scheme 'C'");
  c = SweepConfig();
  c.methods = {"avg_8x8", "avg_8x8"};
  fails_naming(c, "--method");
  c = SweepConfig();
  c.methods = {"pixels"};
  fails_naming(c, "pixels");
  c = SweepConfig();
  c.adc_bits = {};
  fails_naming(c, "--adc-bits");
  c = SweepConfig();
  c.weight_bits = {9};
  fails_naming(c, "--weight-bits 9");
  c = SweepConfig();
  c.resets = {"hold"};
  fails_naming(c, "hold");
  c = SweepConfig();
  c.objective = "accuracy";
  fails_naming(c, "accuracy");
  c = SweepConfig();
  c.tolerance = -1;
  fails_naming(c, "--tolerance");
  c = SweepConfig();
  c.hidden = {"64,"};
  fails_naming(c, "--hidden '64,'");
  c = SweepConfig();
  c.arrays = {"64x63"};
  fails_naming(c, "--arrays '64x63'");
  c = SweepConfig();
  std::string many = "1";
  for (int l = 0; l < 40; ++l) many += ",1";  // 41 layer sizes: longer than the table's column
  c.hidden = {many};
  fails_naming(c, "longer than 63 characters");
}

// An evaluator with made-up numbers that records every call. Test numbers are the
// reverse of val's, so a selection that peeked at test would choose differently.
class CountingEvaluator : public SweepEvaluator {
 public:
  explicit CountingEvaluator(std::vector<double> val_objective) : val_(std::move(val_objective)) {}
  SplitEvaluation evaluate(const Combination& c, std::size_t row, const std::string& split,
                           const std::string& threshold_ratio) override {
    calls.push_back({split, row, threshold_ratio, describe(c)});
    SplitEvaluation e;
    e.threshold_ratio = 0.05 * static_cast<double>(row + 1);
    const double v = split == "val" ? val_.at(row) : 1.0 - val_.at(row);
    e.nominal_accuracy = e.mc_mean = e.mc_p5 = e.yield = v;
    return e;
  }
  struct Call {
    std::string split;
    std::size_t row;
    std::string ratio, combination;
  };
  std::vector<Call> calls;

 private:
  std::vector<double> val_;
};

std::vector<Combination> timestep_grid() {
  SweepConfig c;
  c.timesteps = {4, 8, 16, 32};  // costs rise with the row
  return expand_grid(c);
}

TEST(SweepProtocol, ValForEveryRowThenTestOncePerSelectedConfiguration) {
  // Row 3 is best (0.80); row 1 (0.795) is the cheapest within 0.01.
  CountingEvaluator ev({0.70, 0.795, 0.79, 0.80});
  const SweepSelection s = run_sweep_protocol(timestep_grid(), SweepObjective::kMcP5, 0.01, ev);
  EXPECT_EQ(s.best, 3u);
  EXPECT_EQ(s.recommendation, 1u);
  ASSERT_EQ(ev.calls.size(), 6u);
  std::map<std::string, int> per_split;
  for (std::size_t i = 0; i < ev.calls.size(); ++i) {
    ++per_split[ev.calls[i].split];
    if (i < 4) {
      EXPECT_EQ(ev.calls[i].split, "val");  // every val evaluation comes first
      EXPECT_EQ(ev.calls[i].row, i);
      EXPECT_EQ(ev.calls[i].ratio, "calibrate");
    }
  }
  EXPECT_EQ(per_split["val"], 4);
  EXPECT_EQ(per_split["test"], 2);
  EXPECT_EQ(s.test_evaluations, 2);
  // Test runs the selected rows, with the threshold ratios val calibrated.
  EXPECT_EQ(ev.calls[4].row, 3u);
  EXPECT_EQ(ev.calls[4].ratio, "0.2");
  EXPECT_EQ(ev.calls[5].row, 1u);
  EXPECT_EQ(ev.calls[5].ratio, "0.1");
  // The val table holds val numbers only; the test numbers are the selections' own.
  EXPECT_EQ(s.rows[3].objective, 0.80);
  EXPECT_DOUBLE_EQ(s.test_best.mc_p5, 0.20);
  EXPECT_DOUBLE_EQ(s.test_recommendation.mc_p5, 1.0 - 0.795);
}

// A network's val evaluation reports every layer's ratio; test must get all of them.
class NetworkEvaluator : public SweepEvaluator {
 public:
  SplitEvaluation evaluate(const Combination&, std::size_t row, const std::string& split,
                           const std::string& threshold_ratio) override {
    ratios.push_back(split + " " + threshold_ratio);
    SplitEvaluation e;
    e.threshold_ratios = {0.3, 0.05 * static_cast<double>(row + 1)};
    e.threshold_ratio = e.threshold_ratios.back();
    e.mc_p5 = 0.5 + 0.1 * static_cast<double>(row);
    return e;
  }
  std::vector<std::string> ratios;
};

TEST(SweepProtocol, TestGetsEveryLayersRatioOfANetwork) {
  NetworkEvaluator ev;
  const SweepSelection s = run_sweep_protocol(timestep_grid(), SweepObjective::kMcP5, 0.0, ev);
  EXPECT_EQ(s.best, 3u);
  EXPECT_EQ(s.rows[3].threshold_ratios, (std::vector<double>{0.3, 0.2}));
  EXPECT_EQ(test_threshold_ratio(s.rows[3]), "0.3,0.2");
  ASSERT_EQ(ev.ratios.size(), 5u);
  EXPECT_EQ(ev.ratios[0], "val calibrate");
  EXPECT_EQ(ev.ratios[4], "test 0.3,0.2");
  SweepRow one_layer;
  one_layer.threshold_ratio = 0.75;
  EXPECT_EQ(test_threshold_ratio(one_layer), "0.75");
}

TEST(SweepProtocol, BestEqualToRecommendationIsEvaluatedOnTestOnce) {
  CountingEvaluator ev({0.90, 0.70, 0.60, 0.50});  // the cheapest row is also the best
  const SweepSelection s = run_sweep_protocol(timestep_grid(), SweepObjective::kMcMean, 0.01, ev);
  EXPECT_EQ(s.best, 0u);
  EXPECT_EQ(s.recommendation, 0u);
  int tests = 0;
  for (const auto& call : ev.calls) tests += call.split == "test" ? 1 : 0;
  EXPECT_EQ(tests, 1);
  EXPECT_EQ(s.test_evaluations, 1);
  EXPECT_EQ(s.test_recommendation.mc_mean, s.test_best.mc_mean);
}

}  // namespace
}  // namespace xbarmc::study
