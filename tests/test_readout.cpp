#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/simd/kernels.hpp"
#include "xbarmc/encoding.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {
namespace {

float code(float y, Scheme scheme, int bits, bool* clamped) {
  return adc_code(y, scheme, bits, clamped);
}

TEST(Adc, CodeFullScaleIsThetaReference) {
  EXPECT_EQ(code_full_scale(Scheme::kB, 6), 63.0);
  EXPECT_EQ(code_full_scale(Scheme::kA, 6), 31.0);
  EXPECT_EQ(code_full_scale(Scheme::kB, 0), 1.0);
  EXPECT_EQ(code_full_scale(Scheme::kA, 0), 1.0);
  ReadoutParams r;
  r.i_fs_a = 6.3e-9;
  EXPECT_DOUBLE_EQ(code_unit_a(r), 1e-10);
}

TEST(Adc, SchemeBRoundsHalfUpAndClampsToUnipolarRange) {
  bool c;
  EXPECT_EQ(code(2.5f, Scheme::kB, 6, &c), 3.0f);
  EXPECT_FALSE(c);
  EXPECT_EQ(code(2.49f, Scheme::kB, 6, &c), 2.0f);
  EXPECT_EQ(code(-0.4f, Scheme::kB, 6, &c), 0.0f);
  EXPECT_FALSE(c);  // rounds to 0: no clamp
  EXPECT_EQ(code(-0.6f, Scheme::kB, 6, &c), 0.0f);
  EXPECT_TRUE(c);  // rounds to −1, a negative noisy current reads as code 0
  EXPECT_EQ(code(63.49f, Scheme::kB, 6, &c), 63.0f);
  EXPECT_FALSE(c);
  EXPECT_EQ(code(63.5f, Scheme::kB, 6, &c), 63.0f);
  EXPECT_TRUE(c);  // rounds to 64: saturated
  EXPECT_EQ(code(1000.0f, Scheme::kB, 3, &c), 7.0f);
  EXPECT_TRUE(c);
}

TEST(Adc, SchemeARoundsHalfUpSymmetricClamp) {
  bool c;
  EXPECT_EQ(code(-2.5f, Scheme::kA, 6, &c), -2.0f);  // floor(−2.0): half up, not away from 0
  EXPECT_EQ(code(2.5f, Scheme::kA, 6, &c), 3.0f);
  EXPECT_EQ(code(-31.4f, Scheme::kA, 6, &c), -31.0f);
  EXPECT_FALSE(c);
  EXPECT_EQ(code(-31.6f, Scheme::kA, 6, &c), -31.0f);
  EXPECT_TRUE(c);
  EXPECT_EQ(code(31.5f, Scheme::kA, 6, &c), 31.0f);
  EXPECT_TRUE(c);
  EXPECT_EQ(code(1.4f, Scheme::kA, 2, &c), 1.0f);  // 2 bits: codes −1, 0, 1
  EXPECT_FALSE(c);
}

TEST(Adc, ZeroBitsIsIdealUnroundedUnclamped) {
  bool c;
  EXPECT_EQ(code(1.7f, Scheme::kB, 0, &c), 1.7f);
  EXPECT_EQ(code(-3.25f, Scheme::kB, 0, &c), -3.25f);
  EXPECT_EQ(code(123.5f, Scheme::kA, 0, &c), 123.5f);
  EXPECT_FALSE(c);
}

TEST(ColumnRead, SumsActiveRowsAndSquares) {
  // a = [[1, 2], [3, 4], [5, 6]] (stride 2); s = (1, 0, 1).
  const float a[] = {1, 2, 3, 4, 5, 6};
  const float s[] = {1, 0, 1};
  float current, square;
  column_read(a, 2, s, 3, 1, &current, &square);
  EXPECT_EQ(current, 8.0f);
  EXPECT_EQ(square, 40.0f);
  const float half[] = {0.5f, 0.5f, 0.0f};  // direct levels scale the voltage
  column_read(a, 2, half, 3, 0, &current, &square);
  EXPECT_EQ(current, 2.0f);
  EXPECT_EQ(square, 0.25f + 2.25f);
}

TEST(ReadNoise, SigmaCombinesRelativeAndAbsoluteTerms) {
  DeviceParams d;
  d.read_sigma = 0.02;
  d.read_sigma_abs_a = 2e-10;
  ReadoutParams r;
  r.i_fs_a = 63e-10;  // unit = 1e-10 A
  const ReadConstants b = make_read_constants(d, r);
  EXPECT_TRUE(b.noisy);
  EXPECT_FLOAT_EQ(read_sigma(b, 100.0f), std::sqrt(0.0004f * 100.0f + 4.0f));
  r.scheme = Scheme::kA;
  r.i_fs_a = 31e-10;
  const ReadConstants a = make_read_constants(d, r);
  EXPECT_FLOAT_EQ(a.sa2, 8.0f);  // two columns' absolute noise in one differential read
  EXPECT_FALSE(make_read_constants(DeviceParams{}, r).noisy);
}

TEST(ReadNoise, KeyingEnumeratesTimeStepAndColumn) {
  EXPECT_EQ(read_noise_index(0, 16, 0, 20, 0), 0u);
  EXPECT_EQ(read_noise_index(0, 16, 1, 20, 3), 23u);
  EXPECT_EQ(read_noise_index(2, 16, 5, 20, 19), (2u * 16u + 5u) * 20u + 19u);
}

TEST(ReadNoise, FloatNormalsHaveUnitVarianceAndMatchTheBlockLayout) {
  const Stream s = read_noise_stream(7, 3, 11);
  const int n = 200000;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = stream_normal_float(s, static_cast<std::uint32_t>(i));
    sum += z;
    sum2 += z * z;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(n));       // 5σ of the sample mean
  EXPECT_NEAR(var, 1.0, 5.0 * std::sqrt(2.0 / n));  // 5σ of the sample variance
  // Normal 4k+2 comes from words z, w of block k.
  const U32x4 b = stream_block(s, 5);
  float z0, z1;
  normal2_float(b.z, b.w, &z0, &z1);
  EXPECT_EQ(stream_normal_float(s, 22), z0);
  EXPECT_EQ(stream_normal_float(s, 23), z1);
}

TEST(Kernels, SimdNormalsAreBitIdenticalToScalar) {
  if (!simd::avx2_kernels()) GTEST_SKIP() << "no AVX2 on this CPU";
  const int blocks = 20011;  // not a multiple of 8 or 16: exercises the tails
  std::vector<float> a(4 * blocks), b(4 * blocks);
  for (const simd::Kernels* k : {simd::avx2_kernels(), simd::avx512_kernels()}) {
    if (!k) continue;
    for (std::uint64_t seed : {0ull, 1ull, 0xdeadbeefcafef00dull}) {
      const Stream s = read_noise_stream(seed, 12345, 678);
      simd::scalar_kernels().normals(s, 3, blocks, a.data());
      k->normals(s, 3, blocks, b.data());
      for (std::size_t q = 0; q < a.size(); ++q) {
        ASSERT_EQ(a[q], b[q]) << k->name << " normal " << q << " seed " << seed;
      }
    }
  }
}

// The SIMD neuron kernels, with and without the interleaved-layout hint, against the
// scalar kernel over many steps of random codes (spikes, resets, leaks, gain).
TEST(Kernels, SimdNeuronsAreBitIdenticalToScalar) {
  const Stream r = make_stream(9, Purpose::kInitialisation, 4);
  for (const simd::Kernels* k : {simd::avx2_kernels(), simd::avx512_kernels()}) {
    if (!k) continue;
    for (int n_out : {10, 13, 16}) {
      const int padded = (n_out + 7) / 8 * 8;
      std::vector<int> pos(padded, 0), neg(padded, 0);
      for (int j = 0; j < n_out; ++j) {
        pos[j] = 2 * j;
        neg[j] = 2 * j + 1;
      }
      for (bool hint : {false, true}) {
        simd::NeuronConstants nc;
        nc.leak = 0.9f;
        nc.threshold = 20.0f;
        nc.gain = 1.1f;
        nc.compensate = true;
        nc.interleaved = hint;
        std::vector<float> codes(2 * padded), v1(padded, 0.0f), v2(padded, 0.0f);
        std::vector<std::uint32_t> n1(padded, 0), n2(padded, 0);
        for (int t = 0; t < 50; ++t) {
          for (std::size_t c = 0; c < codes.size(); ++c) {
            codes[c] = std::floor(
                63.0f * uniform_float(stream_word(r, static_cast<std::uint32_t>(t * 64 + c))));
          }
          simd::scalar_kernels().neurons(codes.data(), pos.data(), neg.data(), n_out, nc, v1.data(),
                                         n1.data());
          k->neurons(codes.data(), pos.data(), neg.data(), n_out, nc, v2.data(), n2.data());
        }
        for (int j = 0; j < n_out; ++j) {
          EXPECT_EQ(v1[j], v2[j]) << k->name << " n_out " << n_out << " hint " << hint << " j "
                                  << j;
          EXPECT_EQ(n1[j], n2[j]) << k->name << " n_out " << n_out << " hint " << hint << " j "
                                  << j;
        }
        EXPECT_GT(n1[0], 0u);  // the case exercises spikes
      }
    }
  }
}

TEST(Kernels, SimdReadPathIsBitIdenticalToScalar) {
  const simd::Kernels* avx2 = simd::avx2_kernels();
  if (!avx2) GTEST_SKIP() << "no AVX2 on this CPU";
  const int n_in = 100, n_cols = 20, stride = 24;
  std::vector<float> a(n_in * stride), a2(a.size()), s(n_in), z(stride);
  const Stream r = make_stream(3, Purpose::kInitialisation, 1);
  for (int i = 0; i < n_in; ++i) {
    for (int c = 0; c < stride; ++c) {
      const float v =
          c < n_cols
              ? 3.0f * uniform_float(stream_word(r, static_cast<std::uint32_t>(i * stride + c)))
              : 0.0f;
      a[i * stride + c] = v;
      a2[i * stride + c] = v * v;
    }
    s[i] = uniform_float(stream_word(r, 100000u + static_cast<std::uint32_t>(i)));
  }
  for (int c = 0; c < stride; ++c)
    z[c] = 40.0f * (uniform_float(stream_word(r, 200000u + static_cast<std::uint32_t>(c))) - 0.5f);
  const std::uint64_t mask[2] = {0x9e3779b97f4a7c15ull, 0xfull};
  std::vector<float> a_a2(2 * a.size());
  for (int i = 0; i < n_in; ++i) {
    for (int c = 0; c < stride; ++c) {
      a_a2[2 * i * stride + c] = a[i * stride + c];
      a_a2[2 * i * stride + stride + c] = a2[i * stride + c];
    }
  }
  std::vector<float> i1(stride), s1(stride), i2(stride), s2(stride), c1(stride), c2(stride);
  std::vector<float> read_scalar(2 * stride);
  simd::scalar_kernels().accumulate_spikes(a_a2.data(), stride, mask, 2, read_scalar.data(),
                                           read_scalar.data() + stride);
  for (const simd::Kernels* k : {avx2, simd::avx512_kernels()}) {
    if (!k) continue;
    for (bool with_square : {true, false}) {
      std::vector<float> read(2 * stride, -1.0f);
      k->accumulate_spikes(with_square ? a_a2.data() : a.data(), stride, mask, 2, read.data(),
                           with_square ? read.data() + stride : nullptr);
      for (int c = 0; c < stride; ++c) {
        EXPECT_EQ(read[c], read_scalar[c]) << k->name << " col " << c;
        if (with_square) {
          EXPECT_EQ(read[stride + c], read_scalar[stride + c]) << k->name;
        }
      }
    }
  }
  simd::scalar_kernels().accumulate_dense(a.data(), stride, s.data(), n_in, i1.data(), s1.data());
  avx2->accumulate_dense(a.data(), stride, s.data(), n_in, i2.data(), s2.data());
  EXPECT_EQ(i1, i2);
  EXPECT_EQ(s1, s2);
  DeviceParams d;
  d.read_sigma = 0.3;
  ReadoutParams ro;
  ro.i_fs_a = 63.0;
  const ReadConstants rc = make_read_constants(d, ro);
  for (const simd::Kernels* k : {avx2, simd::avx512_kernels()}) {
    if (!k) continue;
    for (int bits : {0, 4, 6}) {
      for (const float* noise :
           {static_cast<const float*>(z.data()), static_cast<const float*>(nullptr)}) {
        const std::uint32_t n1 = simd::scalar_kernels().adc_unipolar(
            i1.data(), s1.data(), noise, n_cols, stride, rc, bits, c1.data());
        const std::uint32_t n2 =
            k->adc_unipolar(i1.data(), s1.data(), noise, n_cols, stride, rc, bits, c2.data());
        EXPECT_EQ(n1, n2) << k->name << " bits " << bits;
        if (bits == 4 && noise) {
          EXPECT_GT(n1, 0u);  // the case exercises saturation
        }
        for (int c = 0; c < n_cols; ++c)
          EXPECT_EQ(c1[c], c2[c]) << k->name << " bits " << bits << " col " << c;
      }
    }
  }
}

TEST(Encoding, DeterministicSpreadsRoundedCountEvenlyFromPhaseZero) {
  // x = 0.5, T = 4: n = 2, floor((t+1)·2/4) > floor(t·2/4) at t = 1 and 3.
  std::vector<int> steps;
  for (int t = 0; t < 4; ++t) {
    if (deterministic_spike(0.5f, 4, t)) steps.push_back(t);
  }
  EXPECT_EQ(steps, (std::vector<int>{1, 3}));
  EXPECT_EQ(deterministic_spike_count(0.3f, 16), 5);  // floor(4.8 + 0.5)
  for (float x : {0.0f, 0.03f, 0.3f, 0.77f, 1.0f}) {
    int count = 0;
    for (int t = 0; t < 16; ++t) count += deterministic_spike(x, 16, t) ? 1 : 0;
    EXPECT_EQ(count, deterministic_spike_count(x, 16)) << x;
  }
}

TEST(Encoding, RateSpikesAreAPureFunctionOfImageStepAndRow) {
  // u of (image 9, t 3, row 6) is word 6 of stream (seed, kInputSpikes, 9, 3).
  const float u = uniform_float(stream_word(make_stream(42, Purpose::kInputSpikes, 9, 3), 6));
  EXPECT_TRUE(rate_spike(42, 9, 3, 6, std::nextafter(u, 2.0f)));
  EXPECT_FALSE(rate_spike(42, 9, 3, 6, u));
  EXPECT_TRUE(rate_spike(42, 9, 3, 6, 1.0f));
  EXPECT_FALSE(rate_spike(42, 9, 3, 6, 0.0f));
  // The firing rate is x.
  int spikes = 0;
  const int n = 20000;
  for (int t = 0; t < n; ++t) spikes += rate_spike(1, 5, t, 0, 0.3f) ? 1 : 0;
  EXPECT_NEAR(spikes / double(n), 0.3, 5.0 * std::sqrt(0.3 * 0.7 / n));
}

TEST(Encoding, DirectQuantisesToDacLevels) {
  EXPECT_EQ(direct_level(0.5f, 8), static_cast<float>(128.0 / 255.0));
  EXPECT_EQ(direct_level(0.5f, 1), 1.0f);  // round half up: 0.5 → 1
  EXPECT_EQ(direct_level(0.49f, 1), 0.0f);
  EXPECT_EQ(direct_level(0.3f, 0), 0.3f);  // ideal DAC
  ReadoutParams r;
  r.encoding = Encoding::kDirect;
  r.dac_bits = 2;
  EXPECT_EQ(input_activation(r, 1, 2, 3, 4, 0.4f), static_cast<float>(1.0 / 3.0));
}

}  // namespace
}  // namespace xbarmc
