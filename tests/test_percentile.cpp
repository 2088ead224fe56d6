// The one percentile rule (common/percentile.hpp) against numpy.percentile's default
// ("linear") values computed by hand, for sorted and unsorted input.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "common/percentile.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

TEST(Percentile, InterpolatesLinearlyLikeNumpy) {
  // numpy.percentile([1, 2, 3, 4], 0.5) = 1.015, (…, 99.5) = 3.985
  EXPECT_NEAR(percentile_linear({4, 1, 3, 2}, 0.5), 1.015, 1e-12);
  EXPECT_NEAR(percentile_linear({4, 1, 3, 2}, 99.5), 3.985, 1e-12);
  EXPECT_DOUBLE_EQ(percentile_linear({5}, 50), 5.0);
  std::vector<double> v{4.0, 1.0, 3.0, 2.0};
  EXPECT_DOUBLE_EQ(percentile_linear(v, 50.0), 2.5);    // numpy.percentile([1,2,3,4], 50)
  EXPECT_DOUBLE_EQ(percentile_linear(v, 99.9), 3.997);  // 3 + 0.997·(4 − 3)
  EXPECT_DOUBLE_EQ(percentile_linear(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 100.0), 4.0);
}

TEST(Percentile, HitsSampleValuesExactlyAtTheirPositions) {
  const std::vector<double> sorted = {1.0, 2.0, 3.0, 10.0};
  EXPECT_EQ(percentile_of_sorted(sorted, 0.0), 1.0);
  EXPECT_EQ(percentile_of_sorted(sorted, 100.0), 10.0);
  EXPECT_EQ(percentile_of_sorted(sorted, 100.0 / 3.0), 2.0);
  // h = 0.5·3 = 1.5 → halfway between 2 and 3; h = 0.9·3 = 2.7 → 3 + 0.7·7.
  EXPECT_DOUBLE_EQ(percentile_of_sorted(sorted, 50.0), 2.5);
  EXPECT_DOUBLE_EQ(percentile_of_sorted(sorted, 90.0), 7.9);
}

TEST(Percentile, InterpolatesFromTheNearerEndLikeNumpysLerp) {
  // numpy.percentile([1, 1e16], 75) = 7500000000000000.0 and
  // numpy.percentile([0.1, 0.7], 70) = 0.5199999999999999 (numpy 2.4); the one-sided
  // a + (b − a)·t would give 7500000000000001.0 and 0.52.
  EXPECT_EQ(percentile_of_sorted({1.0, 1e16}, 75.0), 7500000000000000.0);
  EXPECT_EQ(percentile_linear({1e16, 1.0}, 75.0), 7500000000000000.0);
  EXPECT_EQ(percentile_of_sorted({0.1, 0.7}, 70.0), 0.5199999999999999);
  EXPECT_EQ(percentile_linear({0.7, 0.1}, 70.0), 0.5199999999999999);
}

TEST(Percentile, SelectionEqualsTheSortedRuleOnRandomSamples) {
  const Stream s = make_stream(7, Purpose::kInitialisation, 99);
  for (int n : {1, 2, 3, 10, 101, 1000}) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      v[static_cast<std::size_t>(i)] = stream_normal_double(s, static_cast<std::uint32_t>(i));
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (double q : {0.0, 0.5, 1.0, 5.0, 50.0, 99.5, 99.9, 100.0}) {
      EXPECT_EQ(percentile_linear(v, q), percentile_of_sorted(sorted, q))
          << "n " << n << " q " << q;
    }
  }
}

}  // namespace
}  // namespace xbarmc
