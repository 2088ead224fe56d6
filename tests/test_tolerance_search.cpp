// The tolerance search (host/tolerance/tolerance_search.hpp) on synthetic yield curves
// whose answer is known: chip c passes at value v iff v ≤ t_c for fixed thresholds t_c,
// so yield(v) = the fraction of t_c ≥ v and the tolerance is the target's quantile.
// Also curves that rise and fall, which the search must call non-monotone.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/errors.hpp"
#include "tolerance/tolerance_parameter.hpp"
#include "tolerance/tolerance_search.hpp"

namespace xbarmc::study {
namespace {

// Chip c passes iff lo_c ≤ v ≤ hi_c (lo_c = -inf for a monotone curve).
struct SyntheticChips {
  std::vector<double> lo, hi;
  int calls = 0;
  std::vector<std::uint8_t> operator()(double v) {
    ++calls;
    std::vector<std::uint8_t> pass;
    for (std::size_t c = 0; c < hi.size(); ++c) pass.push_back(v >= lo[c] && v <= hi[c]);
    return pass;
  }
};

// n chips with thresholds evenly spread over (0, top]: yield(v) = 1 − v/top.
SyntheticChips falling(int n, double top) {
  SyntheticChips s;
  for (int c = 0; c < n; ++c) {
    s.lo.push_back(-INFINITY);
    s.hi.push_back(top * (c + 1) / n);
  }
  return s;
}

SearchSettings settings(double low, double high, double resolution, double target) {
  SearchSettings s;
  s.low = low;
  s.high = high;
  s.resolution = resolution;
  s.target = target;
  return s;
}

TEST(ToleranceSearch, BisectionStepsAreTheCeilingOfLog2OfRangeOverResolution) {
  EXPECT_EQ(bisection_steps(settings(0, 0.5, 0.005, 0.9)), 7);  // log2(100) = 6.64
  EXPECT_EQ(bisection_steps(settings(0, 1, 0.125, 0.9)), 3);    // exactly 2^3
  EXPECT_EQ(bisection_steps(settings(0, 1, 2, 0.9)), 0);
  EXPECT_EQ(max_evaluations(settings(0, 0.5, 0.005, 0.9)), 9);
}

TEST(ToleranceSearch, MonotoneCurveGivesTheBracketWithinTheResolution) {
  // 1000 chips, thresholds 0.4·k/1000: yield 0.9 holds up to v = 101·0.4/1000 exactly.
  SyntheticChips chips = falling(1000, 0.4);
  const SearchSettings s = settings(0.0, 0.5, 0.005, 0.9);
  const ToleranceSearch r = search_tolerance(s, [&](double v) { return chips(v); });
  ASSERT_EQ(r.verdict, ToleranceVerdict::kFound) << r.finding;
  const SearchPoint& good = r.points[static_cast<std::size_t>(r.pass_index)];
  const SearchPoint& bad = r.points[static_cast<std::size_t>(r.fail_index)];
  EXPECT_LE(good.value, 0.0404 + 1e-12);
  EXPECT_GT(bad.value, 0.0404);
  EXPECT_LE(bad.value - good.value, 0.005);
  EXPECT_TRUE(good.meets);
  EXPECT_FALSE(bad.meets);
  EXPECT_GE(good.yield, 0.9);
  EXPECT_LT(bad.yield, 0.9);
  EXPECT_LE(chips.calls, max_evaluations(s));
  EXPECT_EQ(static_cast<int>(r.points.size()), chips.calls);
  for (std::size_t i = 1; i < r.points.size(); ++i)
    EXPECT_LT(r.points[i - 1].value, r.points[i].value);
  EXPECT_EQ(r.rise_p, 1.0);  // no chip ever passes at a larger value than one it fails at
}

TEST(ToleranceSearch, EveryTargetAndResolutionIsBracketed) {
  SyntheticChips base = falling(400, 1.0);
  for (double target : {0.5, 0.75, 0.9, 0.99}) {
    for (double resolution : {0.1, 0.01, 0.001}) {
      SyntheticChips chips = base;
      const SearchSettings s = settings(0.0, 1.0, resolution, target);
      const ToleranceSearch r = search_tolerance(s, [&](double v) { return chips(v); });
      ASSERT_EQ(r.verdict, ToleranceVerdict::kFound) << target << " " << resolution;
      // yield(v) = (401 − ⌈400·v⌉)/400 ≥ target up to v = 1 − target + 1/400.
      const double truth = 1.0 - target + 1.0 / 400;
      const double good = r.points[static_cast<std::size_t>(r.pass_index)].value;
      const double bad = r.points[static_cast<std::size_t>(r.fail_index)].value;
      EXPECT_LE(bad - good, resolution);
      EXPECT_LE(good, truth + 1e-9);
      EXPECT_GE(bad, truth - 1e-9);
      EXPECT_LE(chips.calls, max_evaluations(s));
    }
  }
}

TEST(ToleranceSearch, TargetMetAtTheTopIsTheWholeRange) {
  SyntheticChips chips = falling(100, 10.0);
  const SearchSettings s = settings(0.0, 0.5, 0.01, 0.9);
  const ToleranceSearch r = search_tolerance(s, [&](double v) { return chips(v); });
  EXPECT_EQ(r.verdict, ToleranceVerdict::kWholeRange);
  EXPECT_EQ(r.pass_index, -1);
  // The check inside the range spends what bisection would have: at most the same.
  EXPECT_EQ(chips.calls, max_evaluations(s));
}

TEST(ToleranceSearch, TargetMissedAtTheBottomIsNone) {
  SyntheticChips chips = falling(100, 0.01);
  const SearchSettings s = settings(0.1, 0.5, 0.01, 0.9);
  const ToleranceSearch r = search_tolerance(s, [&](double v) { return chips(v); });
  EXPECT_EQ(r.verdict, ToleranceVerdict::kNone);
  EXPECT_LE(chips.calls, max_evaluations(s));
}

TEST(ToleranceSearch, YieldThatRisesThenFallsIsNonMonotoneNotNone) {
  // Missed at 0 (half the chips need some of the parameter: dithering), met in the
  // middle, missed at the top: bisection alone would answer "none".
  SyntheticChips chips;
  for (int c = 0; c < 200; ++c) {
    chips.lo.push_back(c % 2 ? 0.05 : -INFINITY);
    chips.hi.push_back(0.3 + 0.1 * c / 200.0);
  }
  const SearchSettings s = settings(0.0, 0.5, 0.005, 0.9);
  const ToleranceSearch r = search_tolerance(s, [&](double v) { return chips(v); });
  EXPECT_EQ(r.verdict, ToleranceVerdict::kNonMonotone);
  EXPECT_EQ(r.pass_index, -1);
  EXPECT_EQ(r.fail_index, -1);
  EXPECT_NE(r.finding.find("missed at 0"), std::string::npos) << r.finding;
  EXPECT_LE(chips.calls, max_evaluations(s));
}

TEST(ToleranceSearch, YieldThatDipsInsideTheRangeIsNonMonotoneNotWholeRange) {
  int calls = 0;
  const PassFunction f = [&](double v) {  // half the chips fail inside (0.2, 0.3) only
    ++calls;
    std::vector<std::uint8_t> pass(200, 1);
    for (int c = 1; c < 200; c += 2) pass[c] = !(v > 0.2 && v < 0.3);
    return pass;
  };
  const SearchSettings s = settings(0.0, 0.5, 0.005, 0.9);
  const ToleranceSearch r = search_tolerance(s, f);
  EXPECT_EQ(r.verdict, ToleranceVerdict::kNonMonotone) << r.finding;
  EXPECT_LE(calls, max_evaluations(s));
}

TEST(ToleranceSearch, SignificantRiseBetweenBisectionPointsIsNonMonotone) {
  // Met at 0 and missed at 0.5, so bisection runs; but 300 of 1000 chips fail below 0.15
  // and pass above it: the points bisection visits see them rise, chip by chip.
  const PassFunction f = [](double v) {
    std::vector<std::uint8_t> pass(1000);
    for (int c = 0; c < 1000; ++c) {
      pass[c] = (c < 300 ? v >= 0.15 : true) && v <= 0.3 + 0.1 * c / 1000.0;
    }
    return pass;
  };
  const ToleranceSearch r = search_tolerance(settings(0.0, 0.5, 0.005, 0.6), f);
  EXPECT_EQ(r.verdict, ToleranceVerdict::kNonMonotone) << r.finding;
  EXPECT_LT(r.rise_p, 1e-6);
  EXPECT_NE(r.finding.find("300 chips pass there"), std::string::npos) << r.finding;
}

TEST(ToleranceSearch, NoisyButFallingCurveIsNotCalledNonMonotone) {
  // A few chips flicker (pass, fail, pass) between neighbouring values, as chips near
  // the spec do in a real study; the sign test must not call that a rise.
  const PassFunction f = [](double v) {
    std::vector<std::uint8_t> pass(500);
    for (int c = 0; c < 500; ++c) {
      const double t = 0.5 * (c + 0.5) / 500.0;
      const bool flicker = c % 50 == 0 && std::fmod(v * 1000.0, 2.0) < 1.0;
      pass[c] = (v <= t) != flicker;
    }
    return pass;
  };
  const ToleranceSearch r = search_tolerance(settings(0.0, 0.5, 0.005, 0.8), f);
  EXPECT_EQ(r.verdict, ToleranceVerdict::kFound) << r.finding;
}

TEST(ToleranceSearch, BinomialTailMatchesHandValues) {
  EXPECT_DOUBLE_EQ(binomial_half_upper_tail(0, 10), 1.0);
  EXPECT_NEAR(binomial_half_upper_tail(10, 10), 1.0 / 1024.0, 1e-15);
  EXPECT_NEAR(binomial_half_upper_tail(9, 10), 11.0 / 1024.0, 1e-15);
  EXPECT_NEAR(binomial_half_upper_tail(2, 3), 0.5, 1e-15);
  EXPECT_DOUBLE_EQ(binomial_half_upper_tail(4, 3), 0.0);
}

TEST(ToleranceParameter, NamesCoverTheDeviceParametersOfTheIssue) {
  for (const char* name : {"d2d-sigma", "a2a-sigma", "c2c-sigma", "p-stuck-on", "p-stuck-off",
                           "nu-mean", "nu-std", "read-sigma", "r-wl", "r-bl", "r-wire"}) {
    bool found = false;
    for (const std::string& n : tolerance_parameter_names()) found = found || n == name;
    EXPECT_TRUE(found) << name;
  }
  DeviceParams d;
  set_tolerance_parameter(d, "c2c-sigma", 0.25);
  EXPECT_EQ(d.c2c_sigma, 0.25);
  set_tolerance_parameter(d, "r-wire", 3.0);
  EXPECT_EQ(d.r_wl_ohm, 3.0);
  EXPECT_EQ(d.r_bl_ohm, 3.0);
  EXPECT_EQ(tolerance_parameter(d, "c2c-sigma"), 0.25);
  EXPECT_THROW(check_tolerance_parameter("c2c", d), UserError);
  EXPECT_THROW(check_tolerance_parameter("r-wl", d), UserError);  // --ir-drop none
  d.ir_drop = IrDropModel::kNodal;
  EXPECT_NO_THROW(check_tolerance_parameter("r-wl", d));
}

}  // namespace
}  // namespace xbarmc::study
