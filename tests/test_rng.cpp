// The counter-based generator (DESIGN §4): Philox4x32-10 against the published
// Random123 known-answer vectors, the (seed, purpose, indices) → counter/key scheme,
// and the uniform, normal and Bernoulli conversions (exact values at the edges,
// moments within 5 standard errors of the sample size, fixed seeds).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <set>

#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

void expect_block(U32x4 got, U32x4 want) {
  EXPECT_EQ(got.x, want.x);
  EXPECT_EQ(got.y, want.y);
  EXPECT_EQ(got.z, want.z);
  EXPECT_EQ(got.w, want.w);
}

// Random123 kat_vectors, "philox4x32 10" lines.
TEST(Rng, PhiloxMatchesRandom123KnownAnswers) {
  expect_block(philox4x32_10({0, 0, 0, 0}, {0, 0}),
               {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  expect_block(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                             {0xffffffffu, 0xffffffffu}),
               {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  expect_block(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                             {0xa4093822u, 0x299f31d0u}),
               {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST(Rng, StreamCounterIsBlockBAPurposeAndKeyIsTheSeed) {
  const std::uint64_t seed = 0x0123456789abcdefull;
  const Stream s = make_stream(seed, Purpose::kReadNoise, 77, 5);
  expect_block(stream_block(s, 9), philox4x32_10({9, 5, 77, 7}, {0x89abcdefu, 0x01234567u}));
  // Word i is lane i%4 of block i/4.
  const U32x4 b = stream_block(s, 2);
  EXPECT_EQ(stream_word(s, 8), b.x);
  EXPECT_EQ(stream_word(s, 9), b.y);
  EXPECT_EQ(stream_word(s, 10), b.z);
  EXPECT_EQ(stream_word(s, 11), b.w);
}

TEST(Rng, PurposesIndicesAndSeedsGiveDistinctStreams) {
  std::set<std::uint32_t> first_words;
  int n_streams = 0;
  for (std::uint32_t p = 1; p <= 10; ++p) {
    for (std::uint32_t a = 0; a < 4; ++a) {
      for (std::uint32_t b = 0; b < 4; ++b) {
        for (std::uint64_t seed : {0ull, 1ull, 1ull << 32}) {
          first_words.insert(stream_word(make_stream(seed, static_cast<Purpose>(p), a, b), 0));
          ++n_streams;
        }
      }
    }
  }
  // 480 random 32-bit words: a collision has probability ~3e-5.
  EXPECT_EQ(first_words.size(), static_cast<std::size_t>(n_streams));
}

// Normal 123 of stream (seed 42, cell programming, a 3, b 1), derived outside xbarmc:
// an independent Python Philox4x32-10 (checked on the three Random123 vectors above)
// gives block 30 = philox({30, b 1, a 3, purpose 2}, key {42, 0}) =
// {0x30de8d0f, 0x489f1036, 0x5df50bf1, 0x6b001ff1}. 123 = 4·30 + 3: the (z, w) pair,
// second normal, so with u0 = (w0 + 1)·2^−32, u1 = w1·2^−32 for w0 = 0x5df50bf1,
// w1 = 0x6b001ff1: z = sqrt(−2 ln u0)·sin(2π u1), evaluated with mpmath at 40 digits:
// 0.69786294240442003145235970. portable_math is within a few ulp of it.
TEST(Rng, StreamNormalMatchesAnIndependentBoxMuller) {
  const Stream s = make_stream(42, Purpose::kCellProgram, 3, 1);
  expect_block(stream_block(s, 30), {0x30de8d0fu, 0x489f1036u, 0x5df50bf1u, 0x6b001ff1u});
  EXPECT_NEAR(stream_normal_double(s, 123), 0.69786294240442003145235970, 1e-15);
  // The first normal of the pair: sqrt(−2 ln u0)·cos(2π u1) = −1.2319347368680523812.
  EXPECT_NEAR(stream_normal_double(s, 122), -1.2319347368680523812, 2e-15);
}

TEST(Rng, UniformConversionsAreExactAtTheEdges) {
  EXPECT_EQ(uniform_float(0), 0.0f);
  EXPECT_EQ(uniform_float(0xffffffffu), 1.0f - 0x1p-24f);
  EXPECT_EQ(uniform_float(0x80000000u), 0.5f);
  EXPECT_EQ(uniform_double(0), 0.0);
  EXPECT_EQ(uniform_double(0xffffffffu), 1.0 - 0x1p-32);
  EXPECT_EQ(uniform_open0_float(0), 0x1p-24f);
  EXPECT_EQ(uniform_open0_float(0xffffffffu), 1.0f);
  EXPECT_EQ(uniform_open0_double(0), 0x1p-32);
  EXPECT_EQ(uniform_open0_double(0xffffffffu), 1.0);
}

TEST(Rng, UniformMomentsMatchWithinFiveStandardErrors) {
  constexpr int kN = 1 << 20;
  const Stream s = make_stream(2024, Purpose::kStuckCell, 0);
  double sum = 0.0, sum2 = 0.0;
  int below_tenth = 0;
  for (std::uint32_t i = 0; i < kN; ++i) {
    const double u = stream_uniform_double(s, i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
    below_tenth += u < 0.1;
  }
  const double mean = sum / kN, var = sum2 / kN - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5.0 * std::sqrt(1.0 / 12.0 / kN));
  // Var of u² is 1/5 − 1/9 = 4/45.
  EXPECT_NEAR(var, 1.0 / 12.0, 5.0 * std::sqrt(4.0 / 45.0 / kN));
  EXPECT_NEAR(below_tenth / static_cast<double>(kN), 0.1, 5.0 * std::sqrt(0.09 / kN));
}

TEST(Rng, NormalMomentsAndTailsMatchWithinFiveStandardErrors) {
  constexpr int kN = 1 << 20;
  for (const bool single : {false, true}) {
    SCOPED_TRACE(single ? "float" : "double");
    const Stream s = make_stream(7, Purpose::kCellProgram, 1, 2);
    double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
    int below_one = 0, beyond_two = 0;
    for (std::uint32_t i = 0; i < kN; i += 2) {
      const U32x4 b = stream_block(s, i / 4);
      const bool second = (i & 2u) != 0;
      double z[2];
      if (single) {
        float f0, f1;
        normal2_float(second ? b.z : b.x, second ? b.w : b.y, &f0, &f1);
        z[0] = f0;
        z[1] = f1;
      } else {
        normal2_double(second ? b.z : b.x, second ? b.w : b.y, &z[0], &z[1]);
      }
      for (double x : z) {
        ASSERT_TRUE(std::isfinite(x));
        sum += x;
        sum2 += x * x;
        sum4 += x * x * x * x;
        below_one += x < 1.0;
        beyond_two += std::fabs(x) > 2.0;
      }
    }
    EXPECT_NEAR(sum / kN, 0.0, 5.0 / std::sqrt(kN));
    EXPECT_NEAR(sum2 / kN, 1.0, 5.0 * std::sqrt(2.0 / kN));          // Var z² = 2
    EXPECT_NEAR(sum4 / kN, 3.0, 5.0 * std::sqrt(96.0 / kN));         // Var z⁴ = 105 − 9
    const double p1 = 0.8413447460685429, p2 = 0.04550026389635842;  // Φ(1), P(|z| > 2)
    EXPECT_NEAR(below_one / static_cast<double>(kN), p1, 5.0 * std::sqrt(p1 * (1 - p1) / kN));
    EXPECT_NEAR(beyond_two / static_cast<double>(kN), p2, 5.0 * std::sqrt(p2 * (1 - p2) / kN));
  }
}

TEST(Rng, NormalPairingFollowsTheDocumentedLanes) {
  const Stream s = make_stream(99, Purpose::kDriftNu, 4, 0);
  const U32x4 b = stream_block(s, 3);
  double z0, z1, z2, z3;
  normal2_double(b.x, b.y, &z0, &z1);
  normal2_double(b.z, b.w, &z2, &z3);
  EXPECT_EQ(stream_normal_double(s, 12), z0);
  EXPECT_EQ(stream_normal_double(s, 13), z1);
  EXPECT_EQ(stream_normal_double(s, 14), z2);
  EXPECT_EQ(stream_normal_double(s, 15), z3);
  // Box–Muller at the extreme words stays finite: r = sqrt(−2 ln 2^−32) ≈ 6.66.
  double lo0, lo1;
  normal2_double(0u, 0u, &lo0, &lo1);
  EXPECT_NEAR(lo0, std::sqrt(64.0 * std::log(2.0)), 1e-12);
  EXPECT_EQ(lo1, 0.0);
}

TEST(Rng, BernoulliFrequencyMatchesP) {
  constexpr int kN = 1 << 20;
  const Stream s = make_stream(5, Purpose::kStuckCell, 9);
  for (const double p : {0.0, 0.01, 0.3, 1.0}) {
    int hits = 0;
    for (std::uint32_t i = 0; i < kN; ++i) hits += stream_bernoulli(s, i, p);
    const double freq = hits / static_cast<double>(kN);
    if (p == 0.0 || p == 1.0) {
      EXPECT_EQ(freq, p);
    } else {
      EXPECT_NEAR(freq, p, 5.0 * std::sqrt(p * (1 - p) / kN)) << p;
    }
  }
}

TEST(Rng, PortableMathIsAccurate) {
  for (double x = 1e-300; x < 1e300; x *= 1.37) {
    ASSERT_NEAR(detail::portable_log(x), std::log(x), 2e-15 * std::fabs(std::log(x)) + 1e-15) << x;
  }
  for (float x = 1e-30f; x < 1e30f; x *= 1.37f) {
    ASSERT_NEAR(detail::portable_log(x), std::log(x), 4e-7f * std::fabs(std::log(x)) + 1e-7f) << x;
  }
  for (double x = -700.0; x < 700.0; x += 0.37) {
    ASSERT_NEAR(detail::portable_exp(x), std::exp(x), 4e-16 * std::exp(x)) << x;
  }
  for (double u = 0.0; u < 1.0; u += 1.0 / 1024.0 + 1e-7) {
    double s, c;
    detail::portable_sincos_2pi(u, &s, &c);
    ASSERT_NEAR(s, std::sin(2.0 * M_PI * u), 1e-15) << u;
    ASSERT_NEAR(c, std::cos(2.0 * M_PI * u), 1e-15) << u;
  }
  // Float: every u = k·2^-24 that Box–Muller can draw, in steps of 2^-24·61.
  for (std::uint32_t k = 0; k < (1u << 24); k += 61) {
    const float u = static_cast<float>(k) * 0x1p-24f;
    float s, c;
    detail::portable_sincos_2pi(u, &s, &c);
    const double a = 2.0 * M_PI * static_cast<double>(u);
    ASSERT_NEAR(s, std::sin(a), 2e-7) << u;
    ASSERT_NEAR(c, std::cos(a), 2e-7) << u;
  }
  for (float x = -85.0f; x < 85.0f; x += 0.37f) {
    const double e = std::exp(static_cast<double>(x));
    ASSERT_NEAR(detail::portable_exp(x), e, 2.5e-7 * e) << x;
  }
}

}  // namespace
}  // namespace xbarmc
