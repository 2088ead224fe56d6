// Weight → conductance mapping (DESIGN §2.3): the seed's worked examples, level
// spacing, ties, the physical column layouts and parameter validation.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "common/errors.hpp"
#include "io/csv_matrix.hpp"
#include "mapping/map_layer.hpp"
#include "mapping/validate_mapping.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {
namespace {

// The seed's device: R_on 2.34e8 Ω, R_off 4.18e11 Ω, 4 bits, log spacing.
const MappingParams kSeed{};

MatrixD matrix(int rows, int cols, std::vector<double> values) {
  MatrixD m(rows, cols);
  m.data = std::move(values);
  return m;
}

std::string validation_error(const MappingParams& p) {
  try {
    validate_mapping(p);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Mapping, SeedDefaultsGiveTheSeedConductanceRange) {
  EXPECT_NEAR(kSeed.g_min_s(), 2.392e-12, 0.001e-12);
  EXPECT_NEAR(kSeed.g_max_s(), 4.274e-9, 0.001e-9);
  EXPECT_EQ(kSeed.n_levels(), 16);
  const LevelTable t = make_level_table(kSeed);
  EXPECT_EQ(t.g_s[0], kSeed.g_min_s());
  EXPECT_EQ(t.g_s[15], kSeed.g_max_s());
  // Seed §3: each level up divides R by about 1.647.
  for (int k = 1; k < 16; ++k) EXPECT_NEAR(t.g_s[k] / t.g_s[k - 1], 1.647, 0.001) << k;
}

TEST(Mapping, NegativeWeightWorkedExampleFromSeed) {
  // W = −0.30, shared_max 0.80: n_neg = 0.375 → level 13 (normalised ≈ 0.368).
  const LevelTable t = make_level_table(kSeed);
  const CellPair c = map_weight(t, -0.30, 0.80);
  EXPECT_EQ(c.level_pos, 0);
  EXPECT_EQ(c.level_neg, 13);
  EXPECT_NEAR(t.normalised[13], 0.368, 0.001);
  const double g_neg = clamp_conductance(kSeed, t.g_s[c.level_neg]);
  EXPECT_NEAR(g_neg, 1.575e-9, 0.001e-9);
  EXPECT_NEAR(1.0 / g_neg, 6.35e8, 0.005e8);
  EXPECT_EQ(clamp_conductance(kSeed, t.g_s[c.level_pos]), kSeed.g_min_s());
  EXPECT_NEAR(1.0 / kSeed.g_min_s(), 4.18e11, 1.0);
}

TEST(Mapping, PositiveWeightWorkedExampleFromSeed) {
  // W = +0.52, shared_max 0.80: n = 0.65 → level 14, R_pos ≈ 3.85e8 Ω, R_neg = R_off.
  const LevelTable t = make_level_table(kSeed);
  const CellPair c = map_weight(t, 0.52, 0.80);
  EXPECT_EQ(c.level_pos, 14);
  EXPECT_EQ(c.level_neg, 0);
  EXPECT_NEAR(1.0 / t.g_s[14], 3.85e8, 0.005e8);
}

TEST(Mapping, WorkedExamplesThroughTheWholeLayer) {
  // A 2 × 3 layer whose largest |W| is 0.8, holding both seed examples and a zero.
  const MatrixD w = matrix(2, 3, {-0.30, 0.52, 0.0, 0.80, -0.80, 0.10});
  const MappedLayer m = map_layer(w, kSeed);
  EXPECT_EQ(m.shared_max, 0.80);
  EXPECT_EQ(m.level_neg(0, 0), 13);  // W(0,0) = −0.30: input row 0, output 0
  EXPECT_EQ(m.level_pos(0, 0), 0);
  EXPECT_EQ(m.level_pos(1, 0), 14);  // W(0,1) = +0.52: input row 1, output 0
  EXPECT_EQ(m.level_pos(0, 1), 15);  // W(1,0) = +0.8 = shared_max → g_max
  EXPECT_EQ(m.level_neg(1, 1), 15);
  // Interleaved: output j on columns 2j (pos) and 2j+1 (neg).
  EXPECT_NEAR(m.g_target(0, 1), 1.575e-9, 0.001e-9);
  EXPECT_EQ(m.g_target(0, 0), kSeed.g_min_s());
  EXPECT_EQ(m.g_target(0, 2), kSeed.g_max_s());
  EXPECT_EQ(m.g_target(1, 3), kSeed.g_max_s());
  // W_q = shared_max·(G_pos − G_neg)/g_max.
  const LevelTable t = make_level_table(kSeed);
  EXPECT_DOUBLE_EQ(m.w_q(0, 0), 0.8 * (t.normalised[0] - t.normalised[13]));
  EXPECT_DOUBLE_EQ(m.w_q(1, 0), 0.8 * (1.0 - t.normalised[0]));
}

TEST(Mapping, ZeroWeightMapsToGminOnBothColumns) {
  const MatrixD w = matrix(1, 2, {0.0, 0.5});
  const MappedLayer m = map_layer(w, kSeed);
  EXPECT_EQ(m.level_pos(0, 0), 0);
  EXPECT_EQ(m.level_neg(0, 0), 0);
  EXPECT_EQ(m.g_target(0, 0), kSeed.g_min_s());
  EXPECT_EQ(m.g_target(0, 1), kSeed.g_min_s());
  EXPECT_EQ(m.w_q(0, 0), 0.0);
}

TEST(Mapping, AllZeroLayerIsGminEverywhere) {
  const MatrixD w(3, 4);
  const MappedLayer m = map_layer(w, kSeed);
  EXPECT_EQ(m.shared_max, 0.0);
  for (double g : m.g_target_s) EXPECT_EQ(g, kSeed.g_min_s());
  for (double x : m.w_q.data) EXPECT_EQ(x, 0.0);
  EXPECT_EQ(level_histogram(m)[0], 2 * 12);
}

TEST(Mapping, SingleSignLayerLeavesTheOtherColumnsAtGmin) {
  const MatrixD w = matrix(2, 2, {0.1, 0.4, 0.2, 0.3});
  const MappedLayer m = map_layer(w, kSeed);
  for (int k : m.levels_neg) EXPECT_EQ(k, 0);
  EXPECT_EQ(m.level_pos(1, 0), 15);  // the largest weight reaches g_max
  const MappedLayer neg = map_layer(matrix(2, 2, {-0.1, -0.4, -0.2, -0.3}), kSeed);
  for (int k : neg.levels_pos) EXPECT_EQ(k, 0);
  EXPECT_EQ(neg.levels_neg, m.levels_pos);  // mirror image
}

TEST(Mapping, OneBitLayerIsOnOrOff) {
  MappingParams p = kSeed;
  p.weight_bits = 1;
  const MatrixD w = matrix(1, 4, {-1.0, -0.2, 0.49, 0.51});
  const MappedLayer m = map_layer(w, p);
  EXPECT_EQ(p.n_levels(), 2);
  // Levels {g_min/g_max ≈ 5.6e−4, 1}: n above ≈ 0.5003 goes to level 1.
  EXPECT_EQ(m.level_neg(0, 0), 1);
  EXPECT_EQ(m.level_neg(1, 0), 0);
  EXPECT_EQ(m.level_pos(2, 0), 0);
  EXPECT_EQ(m.level_pos(3, 0), 1);
  for (double g : m.g_target_s) EXPECT_TRUE(g == p.g_min_s() || g == p.g_max_s());
}

TEST(Mapping, LinearSpacingIsEvenlySpaced) {
  MappingParams p = kSeed;
  p.spacing = Spacing::kLinear;
  const LevelTable t = make_level_table(p);
  const double step = (p.g_max_s() - p.g_min_s()) / 15.0;
  for (int k = 0; k < 16; ++k) EXPECT_NEAR(t.g_s[k], p.g_min_s() + k * step, 1e-24) << k;
  // n = 0.5: linear levels 7 (≈ 0.467) and 8 (≈ 0.534), 7 nearer; log levels
  // 13 (≈ 0.368) and 14 (≈ 0.607), 14 nearer.
  EXPECT_EQ(nearest_level(t, 0.5), 7);
  EXPECT_EQ(nearest_level(make_level_table(kSeed), 0.5), 14);
}

TEST(Mapping, TiesGoToTheLowerLevel) {
  // R_on 1 Ω, R_off 4 Ω, 1 bit, linear: normalised levels {0.25, 1}, exact in binary,
  // so n = 0.625 is exactly half way.
  MappingParams p;
  p.r_on_ohm = 1.0;
  p.r_off_ohm = 4.0;
  p.weight_bits = 1;
  p.spacing = Spacing::kLinear;
  const LevelTable t = make_level_table(p);
  ASSERT_EQ(t.normalised[0], 0.25);
  ASSERT_EQ(t.normalised[1], 1.0);
  EXPECT_EQ(nearest_level(t, 0.625), 0);
  EXPECT_EQ(nearest_level(t, std::nextafter(0.625, 1.0)), 1);
  const MappedLayer m = map_layer(matrix(1, 2, {0.625, -1.0}), p);
  EXPECT_EQ(m.level_pos(0, 0), 0);
}

TEST(Mapping, EveryLevelIsNearestForItsOwnValue) {
  for (int bits = 1; bits <= kMaxWeightBits; ++bits) {
    for (Spacing s : {Spacing::kLog, Spacing::kLinear}) {
      MappingParams p = kSeed;
      p.weight_bits = bits;
      p.spacing = s;
      const LevelTable t = make_level_table(p);
      for (int k = 0; k < t.n_levels; ++k) {
        ASSERT_EQ(nearest_level(t, t.normalised[k]), k) << bits << " bits, level " << k;
        if (k > 0) {
          ASSERT_GT(t.g_s[k], t.g_s[k - 1]);
        }
      }
    }
  }
}

TEST(Mapping, QuantizationErrorIsBoundedByHalfTheWidestGap) {
  // 8-bit linear levels are 1/255 of g_max apart: |W − W_q| ≤ shared_max/(2·255) plus
  // the g_min floor on the opposite column.
  MappingParams p = kSeed;
  p.weight_bits = 8;
  p.spacing = Spacing::kLinear;
  MatrixD w(10, 64);
  for (std::size_t k = 0; k < w.data.size(); ++k) {
    w.data[k] = std::sin(0.37 * static_cast<double>(k)) * 0.9;
  }
  const MappedLayer m = map_layer(w, p);
  const QuantizationError e = quantization_error(w, m.w_q);
  const double bound = m.shared_max * (0.5 / 255.0 + p.g_min_s() / p.g_max_s());
  EXPECT_LE(e.max_abs, bound);
  EXPECT_GT(e.max_abs, 0.0);
  EXPECT_LE(e.mean_abs, e.max_abs);
}

TEST(Mapping, BlockedLayoutMovesColumnsNotLevels) {
  const MatrixD w = matrix(3, 2, {0.1, -0.7, 0.3, 0.0, -0.2, 0.5});
  MappingParams blocked = kSeed;
  blocked.layout = Layout::kBlocked;
  const MappedLayer a = map_layer(w, kSeed);
  const MappedLayer b = map_layer(w, blocked);
  EXPECT_EQ(a.levels_pos, b.levels_pos);
  EXPECT_EQ(a.levels_neg, b.levels_neg);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(a.g_target(i, 2 * j), b.g_target(i, j));
      EXPECT_EQ(a.g_target(i, 2 * j + 1), b.g_target(i, 3 + j));
    }
  }
}

TEST(Mapping, BlSelTableFollowsTheRtlOrder) {
  // RTL: bl_sel 0..9 positive columns of outputs 0..9, 10..19 their negative columns.
  for (int s = 0; s < 10; ++s) {
    EXPECT_EQ(bl_sel_column(Layout::kBlocked, s, 10), s);
    EXPECT_EQ(bl_sel_column(Layout::kInterleaved, s, 10), 2 * s);
    EXPECT_EQ(bl_sel_column(Layout::kInterleaved, 10 + s, 10), 2 * s + 1);
  }
  std::set<int> seen;
  for (int s = 0; s < 20; ++s) seen.insert(bl_sel_column(Layout::kInterleaved, s, 10));
  EXPECT_EQ(seen.size(), 20u);  // a permutation of the 20 physical columns
  EXPECT_THROW(bl_sel_column(Layout::kBlocked, 20, 10), InternalError);
}

TEST(Mapping, ValidationNamesTheBadOption) {
  EXPECT_EQ(validation_error(kSeed), "");
  MappingParams p = kSeed;
  p.weight_bits = 0;
  EXPECT_EQ(validation_error(p), "--weight-bits 0: must be in 1..8");
  p.weight_bits = 9;
  EXPECT_EQ(validation_error(p), "--weight-bits 9: must be in 1..8");
  p = kSeed;
  p.r_on_ohm = -5.0;
  EXPECT_EQ(validation_error(p).rfind("--r-on -5:", 0), 0u);
  p = kSeed;
  p.r_off_ohm = 0.0;
  EXPECT_EQ(validation_error(p).rfind("--r-off 0:", 0), 0u);
  p = kSeed;
  p.r_off_ohm = std::nan("");
  EXPECT_EQ(validation_error(p).rfind("--r-off nan:", 0), 0u);
  p = kSeed;
  p.r_on_ohm = 4.18e11;
  EXPECT_EQ(validation_error(p).rfind("--r-on 4.18e+11 must be below --r-off 4.18e+11", 0), 0u);
}

}  // namespace
}  // namespace xbarmc
