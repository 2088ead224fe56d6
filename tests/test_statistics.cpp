// Chip-population statistics: golden values worked by hand (numpy's default linear
// percentiles, sample std) and the Wilson interval against published values
// (Newcombe 1998, Table I: 8/10 → 0.4902–0.9433).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "study/statistics.hpp"

namespace xbarmc::study {
namespace {

// Ten chip accuracies; sorted: .74 .76 .77 .78 .79 .80 .80 .81 .82 .83.
const std::vector<double> kAccuracies = {0.81, 0.79, 0.80, 0.76, 0.83,
                                         0.78, 0.80, 0.74, 0.82, 0.77};

TEST(Statistics, SummaryMatchesHandComputedValues) {
  const Summary s = summarize(kAccuracies);
  EXPECT_NEAR(s.mean, 0.79, 1e-15);
  // Σ(x−0.79)² = 0.007 → std = √(0.007/9).
  EXPECT_NEAR(s.std, std::sqrt(0.007 / 9.0), 1e-15);
  EXPECT_EQ(s.min, 0.74);
  EXPECT_EQ(s.max, 0.83);
  // h = q/100·9: p1 → .74 + .09·.02, p5 → .74 + .45·.02, p10 → .74 + .9·.02, p50 → (.79+.80)/2.
  EXPECT_NEAR(s.p1, 0.7418, 1e-15);
  EXPECT_NEAR(s.p5, 0.749, 1e-15);
  EXPECT_NEAR(s.p10, 0.758, 1e-15);
  EXPECT_NEAR(s.p50, 0.795, 1e-15);
}

TEST(Statistics, PercentileHitsSampleValuesExactlyAtTheirPositions) {
  const std::vector<double> sorted = {1.0, 2.0, 3.0, 10.0};
  EXPECT_EQ(percentile_linear(sorted, 0.0), 1.0);
  EXPECT_EQ(percentile_linear(sorted, 100.0), 10.0);
  EXPECT_EQ(percentile_linear(sorted, 100.0 / 3.0), 2.0);
  // h = 0.5·3 = 1.5 → halfway between 2 and 3; h = 0.9·3 = 2.7 → 3 + 0.7·7.
  EXPECT_DOUBLE_EQ(percentile_linear(sorted, 50.0), 2.5);
  EXPECT_DOUBLE_EQ(percentile_linear(sorted, 90.0), 7.9);
}

TEST(Statistics, SingleChipHasNoSampleStd) {
  const Summary s = summarize({0.5});
  EXPECT_EQ(s.mean, 0.5);
  EXPECT_TRUE(std::isnan(s.std));
  EXPECT_EQ(s.min, 0.5);
  EXPECT_EQ(s.p1, 0.5);
  EXPECT_EQ(s.p50, 0.5);
}

TEST(Statistics, SummaryDoesNotDependOnOrder) {
  std::vector<double> reversed(kAccuracies.rbegin(), kAccuracies.rend());
  const Summary a = summarize(kAccuracies), b = summarize(reversed);
  EXPECT_EQ(a.p5, b.p5);
  EXPECT_EQ(a.p50, b.p50);
  EXPECT_NEAR(a.mean, b.mean, 1e-15);
}

TEST(Statistics, WilsonIntervalMatchesPublishedValues) {
  const Interval a = wilson_interval(8, 10);
  EXPECT_NEAR(a.low, 0.4902, 5e-5);
  EXPECT_NEAR(a.high, 0.9433, 5e-5);
  const Interval b = wilson_interval(50, 100);
  EXPECT_NEAR(b.low, 0.4038, 5e-5);
  EXPECT_NEAR(b.high, 0.5962, 5e-5);
}

TEST(Statistics, WilsonIntervalAtTheEdgesStaysInsideZeroOne) {
  // 0/n: upper bound z²/(n + z²); n/n: lower bound n/(n + z²).
  const double z2 = kZ95 * kZ95;
  const Interval none = wilson_interval(0, 10);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, z2 / (10.0 + z2), 1e-15);
  const Interval all = wilson_interval(10, 10);
  EXPECT_NEAR(all.low, 10.0 / (10.0 + z2), 1e-15);
  EXPECT_LE(all.high, 1.0);
  EXPECT_NEAR(all.high, 1.0, 1e-15);
  const Interval empty = wilson_interval(0, 0);
  EXPECT_EQ(empty.low, 0.0);
  EXPECT_EQ(empty.high, 1.0);
}

TEST(Statistics, WilsonIntervalNarrowsWithMoreChips) {
  const Interval small = wilson_interval(90, 100);
  const Interval large = wilson_interval(9000, 10000);
  EXPECT_LT(large.high - large.low, small.high - small.low);
  EXPECT_LT(large.low, 0.9);
  EXPECT_GT(large.high, 0.9);
}

}  // namespace
}  // namespace xbarmc::study
