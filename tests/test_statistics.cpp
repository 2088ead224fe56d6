// Chip-population statistics: golden values worked by hand (numpy's default linear
// percentiles, sample std) and the Wilson interval against published values
// (Newcombe 1998, Table I: 8/10 → 0.4902–0.9433).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/checksum.hpp"
#include "stats/outcome.hpp"
#include "stats/statistics.hpp"
#include "study/progress.hpp"
#include "study/summary_table.hpp"

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

TEST(StudyOutcome, YieldAndSummaryPerTimeFromCorrectCounts) {
  // 2 times × 4 chips of 10 images: time 0 → 0.9 0.8 0.7 1.0, time 1 → 0.5 0.8 0.8 0.6.
  const std::vector<std::uint32_t> correct = {9, 8, 7, 10, 5, 8, 8, 6};
  const StudyOutcome o = compute_outcome(correct, {1.0, 3600.0}, 4, 10, {"0.8", "x"}, {0.8, 0.95});
  ASSERT_EQ(o.summary.size(), 2u);
  EXPECT_NEAR(o.summary[0].mean, 0.85, 1e-15);
  EXPECT_EQ(o.summary[1].min, 0.5);
  EXPECT_NEAR(o.summary[1].p50, 0.7, 1e-15);
  // [time][spec]: chips ≥ 0.8 are 3 of 4, then 2 of 4; ≥ 0.95: 1, then 0.
  EXPECT_EQ(o.yield_fraction, (std::vector<double>{0.75, 0.25, 0.5, 0.0}));
  const Interval w = wilson_interval(3, 4);
  EXPECT_EQ(o.wilson_low[0], w.low);
  EXPECT_EQ(o.wilson_high[0], w.high);
  EXPECT_EQ(o.checksum, counts_checksum(correct));
}

TEST(StudyOutcome, ChecksumIsFnv1aOverLittleEndianCounts) {
  // FNV-1a 64 published vectors: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c.
  EXPECT_EQ(fnv1a_bytes(nullptr, 0), 0xcbf29ce484222325ull);
  const unsigned char a = 'a';
  EXPECT_EQ(hex64(fnv1a_bytes(&a, 1)), "af63dc4c8601ec8c");
  const unsigned char le[8] = {1, 0, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(counts_checksum({1u, 256u}), fnv1a_bytes(le, 8));
  // Order matters: swapping two chips changes the checksum.
  EXPECT_NE(counts_checksum({1u, 2u}), counts_checksum({2u, 1u}));
}

TEST(StudyOutcome, TimesPrintInTheirNaturalUnit) {
  EXPECT_EQ(format_time(1.0), "1 s");
  EXPECT_EQ(format_time(3600.0), "1 h");
  EXPECT_EQ(format_time(86400.0 * 30), "30 d");
  EXPECT_EQ(format_time(365.25 * 86400.0 * 10), "10 y");
  EXPECT_EQ(format_time(0.5), "0.5 s");
  EXPECT_EQ(Progress::format_duration(3725.0), "1:02:05");
  EXPECT_EQ(Progress::format_duration(65.0), "1:05");
  EXPECT_EQ(Progress::format_duration(-1.0), "--:--");
}

}  // namespace
}  // namespace xbarmc::study
