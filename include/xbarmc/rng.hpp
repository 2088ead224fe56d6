// Counter-based randomness (DESIGN §4): every random number is a pure function of
// (seed, purpose, indices) through Philox4x32-10 (Salmon et al., SC'11), so results
// do not depend on backend, thread count, batch size, chip order or resumption.
#pragma once

#include <cstdint>

#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/hd.hpp"

namespace xbarmc {

struct U32x4 {
  std::uint32_t x, y, z, w;
};
struct U32x2 {
  std::uint32_t x, y;
};

namespace detail {
constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;  // sqrt(3) - 1

XBARMC_HD U32x4 philox_round(U32x4 c, U32x2 k) {
  const std::uint64_t p0 = static_cast<std::uint64_t>(kPhiloxM0) * c.x;
  const std::uint64_t p1 = static_cast<std::uint64_t>(kPhiloxM1) * c.z;
  const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
  const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
  return U32x4{hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0};
}
}  // namespace detail

// Philox4x32 with 10 rounds: the same bijection as Random123's philox4x32_10 and
// cuRAND's curand_Philox4x32_10 (checked against both in tests).
XBARMC_HD U32x4 philox4x32_10(U32x4 counter, U32x2 key) {
  for (int round = 0; round < 9; ++round) {
    counter = detail::philox_round(counter, key);
    key.x += detail::kPhiloxW0;
    key.y += detail::kPhiloxW1;
  }
  return detail::philox_round(counter, key);
}

// What a random number is for. The value is part of the counter, so streams of
// different purposes never overlap. Values are stable: results files depend on them.
enum class Purpose : std::uint32_t {
  kChipFactor = 1,      // D2D: one normal per chip
  kCellProgram = 2,     // C2C: one normal per cell
  kStuckCell = 3,       // one uniform per cell
  kDriftNu = 4,         // drift exponent: one normal per cell
  kDriftSpread = 5,     // log-time spreading ζ: one normal per cell
  kInputSpikes = 6,     // rate coding: one uniform per (image, timestep, row)
  kReadNoise = 7,       // one normal per (chip, image, time, timestep, column)
  kDataShuffle = 8,     // training: one permutation per epoch
  kInitialisation = 9,  // training: initial weights
  kNoiseAware = 10,     // training: multiplicative noise in the forward pass
  kArrayFactor = 11,    // A2A: one normal per (chip, array)
  kVerifyAttempt = 12,  // write-verify: one normal per (chip, cell, attempt)
};

// A stream is (seed, purpose, a, b); its blocks are numbered 0, 1, 2, … and each
// block yields four 32-bit words. Counter layout: {block, b, a, purpose}; key = seed.
// With cuRAND: curand_init(seed, subsequence = (purpose << 32) | a,
// offset = 4 · ((b << 32) | block)) produces the same words.
struct Stream {
  U32x2 key;
  std::uint32_t purpose, a, b;
};

XBARMC_HD Stream make_stream(std::uint64_t seed, Purpose purpose, std::uint32_t a,
                             std::uint32_t b = 0) {
  return Stream{U32x2{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
                static_cast<std::uint32_t>(purpose), a, b};
}

XBARMC_HD U32x4 stream_block(const Stream& s, std::uint32_t block) {
  return philox4x32_10(U32x4{block, s.b, s.a, s.purpose}, s.key);
}

// Word i of a stream (block i/4, lane i%4).
XBARMC_HD std::uint32_t stream_word(const Stream& s, std::uint32_t i) {
  const U32x4 b = stream_block(s, i / 4);
  switch (i % 4) {
    case 0:
      return b.x;
    case 1:
      return b.y;
    case 2:
      return b.z;
    default:
      return b.w;
  }
}

// --- Conversions from 32-bit words. All exact or built on portable_math, so host
// and device agree bit for bit.

// Uniform in [0, 1) with 24 bits (float) or 32 bits (double).
XBARMC_HD float uniform_float(std::uint32_t x) {
  return static_cast<float>(x >> 8) * 0x1p-24f;
}
XBARMC_HD double uniform_double(std::uint32_t x) {
  return static_cast<double>(x) * 0x1p-32;
}
// Uniform in (0, 1]: the radius argument of Box–Muller must not be 0.
XBARMC_HD float uniform_open0_float(std::uint32_t x) {
  return static_cast<float>((x >> 8) + 1u) * 0x1p-24f;
}
XBARMC_HD double uniform_open0_double(std::uint32_t x) {
  return (static_cast<double>(x) + 1.0) * 0x1p-32;
}

// Two independent standard normals from two words (Box–Muller).
XBARMC_HD void normal2_float(std::uint32_t w0, std::uint32_t w1, float* z0, float* z1) {
  const float r = std::sqrt(-2.0f * detail::portable_log(uniform_open0_float(w0)));
  float s, c;
  detail::portable_sincos_2pi(uniform_float(w1), &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}
XBARMC_HD void normal2_double(std::uint32_t w0, std::uint32_t w1, double* z0, double* z1) {
  const double r = std::sqrt(-2.0 * detail::portable_log(uniform_open0_double(w0)));
  double s, c;
  detail::portable_sincos_2pi(uniform_double(w1), &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}

// Normal number i of a stream: block i/4 gives four words → normals 4k..4k+3
// as (x,y) → (4k, 4k+1) and (z,w) → (4k+2, 4k+3).
XBARMC_HD double stream_normal_double(const Stream& s, std::uint32_t i) {
  const U32x4 b = stream_block(s, i / 4);
  double z0, z1;
  if ((i & 2u) == 0) {
    normal2_double(b.x, b.y, &z0, &z1);
  } else {
    normal2_double(b.z, b.w, &z0, &z1);
  }
  return (i & 1u) ? z1 : z0;
}
XBARMC_HD double stream_uniform_double(const Stream& s, std::uint32_t i) {
  return uniform_double(stream_word(s, i));
}
XBARMC_HD bool stream_bernoulli(const Stream& s, std::uint32_t i, double p) {
  return stream_uniform_double(s, i) < p;
}

}  // namespace xbarmc
