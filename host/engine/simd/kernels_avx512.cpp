// AVX-512 kernels: the AVX2 kernels' operation sequences on sixteen lanes, for the
// pieces that dominate the engine's time: read-noise normals (sixteen Philox blocks
// per vector) and row accumulation (a row of [a | a2] is 2·stride contiguous floats,
// three zmm adds for a 64×20 array instead of six ymm adds), plus the scheme-B ADC
// (two zmm passes instead of three ymm ones for 20 columns). The engine's fast path uses
// the all-steps kernels instead where they apply: the row sums of every step of an image
// (accumulate_steps) and the scheme-B ADC and neurons of every step (adc_neurons_steps).
// Bit-identical to the scalar path for the same reasons as kernels_avx2.cpp; the dense
// and per-step neuron kernels are the AVX2 ones.
#include "engine/simd/kernels.hpp"

#if defined(XBARMC_X86)
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32() (a self-initialised
// variable) and trip -Wuninitialized once inlined; a known false positive (GCC PR105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace xbarmc::simd {
namespace {

#define XBARMC_AVX512 __attribute__((target("avx512f,avx512dq,avx2,fma")))
#define XBARMC_AVX512_BMI __attribute__((target("avx512f,avx512dq,avx2,fma,bmi")))

XBARMC_AVX512 inline void mul_hi_lo(__m512i a, __m512i m, __m512i* hi, __m512i* lo) {
  const __m512i even = _mm512_mul_epu32(a, m);
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  *lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

// Philox4x32-10 of the blocks in the lanes of `blocks`, one stream.
XBARMC_AVX512 inline void philox16_lanes(const Stream& s, __m512i blocks, __m512i* x, __m512i* y,
                                         __m512i* z, __m512i* w) {
  __m512i cx = blocks;
  __m512i cy = _mm512_set1_epi32(static_cast<int>(s.b));
  __m512i cz = _mm512_set1_epi32(static_cast<int>(s.a));
  __m512i cw = _mm512_set1_epi32(static_cast<int>(s.purpose));
  __m512i k0 = _mm512_set1_epi32(static_cast<int>(s.key.x));
  __m512i k1 = _mm512_set1_epi32(static_cast<int>(s.key.y));
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(detail::kPhiloxM0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(detail::kPhiloxM1));
  const __m512i w0 = _mm512_set1_epi32(static_cast<int>(detail::kPhiloxW0));
  const __m512i w1 = _mm512_set1_epi32(static_cast<int>(detail::kPhiloxW1));
  for (int round = 0; round < 10; ++round) {
    __m512i hi0, lo0, hi1, lo1;
    mul_hi_lo(cx, m0, &hi0, &lo0);
    mul_hi_lo(cz, m1, &hi1, &lo1);
    const __m512i nx = _mm512_xor_si512(_mm512_xor_si512(hi1, cy), k0);
    const __m512i nz = _mm512_xor_si512(_mm512_xor_si512(hi0, cw), k1);
    cx = nx;
    cy = lo1;
    cz = nz;
    cw = lo0;
    k0 = _mm512_add_epi32(k0, w0);
    k1 = _mm512_add_epi32(k1, w1);
  }
  *x = cx;
  *y = cy;
  *z = cz;
  *w = cw;
}

// detail::alternating_horner<float, D...>: p ← 1 − (p·r2)·RN(1/D).
template <int... D>
XBARMC_AVX512 inline __m512 alternating_horner16(__m512 r2) {
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 p = one;
  ((p = _mm512_sub_ps(one, _mm512_mul_ps(_mm512_mul_ps(p, r2),
                                         _mm512_set1_ps(detail::Reciprocal<float, D>::value)))),
   ...);
  return p;
}

XBARMC_AVX512 inline __m512 log16(__m512 x) {
  const __m512i bits = _mm512_castps_si512(x);
  __m512i e =
      _mm512_sub_epi32(_mm512_and_si512(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(0xFF)),
                       _mm512_set1_epi32(127));
  __m512 m = _mm512_castsi512_ps(_mm512_or_si512(
      _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFF)), _mm512_set1_epi32(127 << 23)));
  const __mmask16 big =
      _mm512_cmp_ps_mask(m, _mm512_set1_ps(static_cast<float>(1.41421356237309504880)), _CMP_GT_OQ);
  m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
  e = _mm512_mask_add_epi32(e, big, e, _mm512_set1_epi32(1));
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 s = _mm512_div_ps(_mm512_sub_ps(m, one), _mm512_add_ps(m, one));
  const __m512 s2 = _mm512_mul_ps(s, s);
  constexpr int kTerms = 5;
  __m512 poly = _mm512_set1_ps(1.0f / static_cast<float>(2 * kTerms + 1));
  for (int k = kTerms - 1; k >= 0; --k) {
    poly = _mm512_add_ps(_mm512_mul_ps(poly, s2),
                         _mm512_set1_ps(1.0f / static_cast<float>(2 * k + 1)));
  }
  const __m512 ln2 = _mm512_set1_ps(static_cast<float>(0.693147180559945309417232121458));
  return _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(2.0f), s), poly),
                       _mm512_mul_ps(_mm512_cvtepi32_ps(e), ln2));
}

XBARMC_AVX512 inline void sincos16(__m512 u, __m512* s_out, __m512* c_out) {
  const __m512 w = _mm512_mul_ps(_mm512_set1_ps(4.0f), u);
  const __m512 q = _mm512_roundscale_ps(_mm512_add_ps(w, _mm512_set1_ps(0.5f)),
                                        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __m512 r = _mm512_mul_ps(_mm512_sub_ps(w, q),
                                 _mm512_set1_ps(static_cast<float>(1.57079632679489661923)));
  const __m512 r2 = _mm512_mul_ps(r, r);
  const __m512 ps = alternating_horner16<110, 72, 42, 20, 6>(r2);
  const __m512 pc = alternating_horner16<90, 56, 30, 12, 2>(r2);
  const __m512 sr = _mm512_mul_ps(r, ps);
  const __m512 cr = pc;
  const __m512i qi = _mm512_and_si512(_mm512_cvttps_epi32(q), _mm512_set1_epi32(3));
  const __mmask16 swap = _mm512_test_epi32_mask(qi, _mm512_set1_epi32(1));
  const __m512i neg_s = _mm512_slli_epi32(_mm512_srli_epi32(qi, 1), 31);
  const __m512i neg_c =
      _mm512_slli_epi32(_mm512_srli_epi32(_mm512_add_epi32(qi, _mm512_set1_epi32(1)), 1), 31);
  const __m512 s = _mm512_mask_blend_ps(swap, sr, cr);
  const __m512 c = _mm512_mask_blend_ps(swap, cr, sr);
  *s_out = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(s), neg_s));
  *c_out = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(c), neg_c));
}

XBARMC_AVX512 inline void box_muller16(__m512i w0, __m512i w1, __m512* z0, __m512* z1) {
  const __m512 scale = _mm512_set1_ps(0x1p-24f);
  const __m512 u0 = _mm512_mul_ps(
      _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_srli_epi32(w0, 8), _mm512_set1_epi32(1))), scale);
  const __m512 u1 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(w1, 8)), scale);
  const __m512 r = _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), log16(u0)));
  __m512 s, c;
  sincos16(u1, &s, &c);
  *z0 = _mm512_mul_ps(r, c);
  *z1 = _mm512_mul_ps(r, s);
}

// Lane l of (c0, s0, c1, s1) → out[4l .. 4l+3], eight lanes (a 4×8 transpose).
XBARMC_AVX512 inline void transpose_store8(__m256 c0, __m256 s0, __m256 c1, __m256 s1, float* out) {
  const __m256 a = _mm256_unpacklo_ps(c0, s0), b = _mm256_unpackhi_ps(c0, s0);
  const __m256 c = _mm256_unpacklo_ps(c1, s1), d = _mm256_unpackhi_ps(c1, s1);
  const __m256 e = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(a), _mm256_castps_pd(c)));
  const __m256 f = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(a), _mm256_castps_pd(c)));
  const __m256 g = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(b), _mm256_castps_pd(d)));
  const __m256 h = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(b), _mm256_castps_pd(d)));
  _mm256_storeu_ps(out, _mm256_permute2f128_ps(e, f, 0x20));
  _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(g, h, 0x20));
  _mm256_storeu_ps(out + 16, _mm256_permute2f128_ps(e, f, 0x31));
  _mm256_storeu_ps(out + 24, _mm256_permute2f128_ps(g, h, 0x31));
}

XBARMC_AVX512 inline void philox16(const Stream& s, std::uint32_t block, __m512i* x, __m512i* y,
                                   __m512i* z, __m512i* w) {
  philox16_lanes(
      s,
      _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(block)),
                       _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
      x, y, z, w);
}

// The 64 normals of the blocks in `blocks` (lane l: normals 4l .. 4l+3 of out).
XBARMC_AVX512 inline void normals64_lanes(const Stream& st, __m512i blocks, float* out) {
  __m512i x, y, z, w;
  philox16_lanes(st, blocks, &x, &y, &z, &w);
  __m512 c0, s0, c1, s1;
  box_muller16(x, y, &c0, &s0);
  box_muller16(z, w, &c1, &s1);
  transpose_store8(_mm512_castps512_ps256(c0), _mm512_castps512_ps256(s0),
                   _mm512_castps512_ps256(c1), _mm512_castps512_ps256(s1), out);
  transpose_store8(_mm512_extractf32x8_ps(c0, 1), _mm512_extractf32x8_ps(s0, 1),
                   _mm512_extractf32x8_ps(c1, 1), _mm512_extractf32x8_ps(s1, 1), out + 32);
}

XBARMC_AVX512 void normals_gather_avx512(const Stream& s, const std::uint32_t* blocks,
                                         std::uint32_t n_blocks, float* out) {
  std::uint32_t b = 0;
  for (; b + 16 <= n_blocks; b += 16) {
    normals64_lanes(s, _mm512_loadu_si512(blocks + b), out + 4 * b);
  }
  if (b < n_blocks) {
    const __mmask16 valid = static_cast<__mmask16>((1u << (n_blocks - b)) - 1u);
    float tail[64];
    normals64_lanes(s, _mm512_maskz_loadu_epi32(valid, blocks + b), tail);
    std::memcpy(out + 4 * b, tail, sizeof(float) * 4 * (n_blocks - b));
  }
}

XBARMC_AVX512 inline void normals64(const Stream& st, std::uint32_t block, float* out) {
  __m512i x, y, z, w;
  philox16(st, block, &x, &y, &z, &w);
  __m512 c0, s0, c1, s1;
  box_muller16(x, y, &c0, &s0);
  box_muller16(z, w, &c1, &s1);
  transpose_store8(_mm512_castps512_ps256(c0), _mm512_castps512_ps256(s0),
                   _mm512_castps512_ps256(c1), _mm512_castps512_ps256(s1), out);
  transpose_store8(_mm512_extractf32x8_ps(c0, 1), _mm512_extractf32x8_ps(s0, 1),
                   _mm512_extractf32x8_ps(c1, 1), _mm512_extractf32x8_ps(s1, 1), out + 32);
}

XBARMC_AVX512 void normals_avx512(const Stream& s, std::uint32_t first_block,
                                  std::uint32_t n_blocks, float* out) {
  std::uint32_t b = 0;
  for (; b + 16 <= n_blocks; b += 16) normals64(s, first_block + b, out + 4 * b);
  if (b < n_blocks) {
    float tail[64];
    normals64(s, first_block + b, tail);
    std::memcpy(out + 4 * b, tail, sizeof(float) * 4 * (n_blocks - b));
  }
}

// NZ zmm vectors per accumulated row; the last one masked to `last` lanes.
template <int NZ>
XBARMC_AVX512 void accumulate_rows(const float* rows, int row_floats, const std::uint64_t* mask,
                                   int n_words, __mmask16 last, float* out) {
  __m512 acc[NZ];
  for (int v = 0; v < NZ; ++v) acc[v] = _mm512_setzero_ps();
  for (int word = 0; word < n_words; ++word) {
    for (std::uint64_t m = mask[word]; m != 0; m &= m - 1) {
      const float* row =
          rows + static_cast<std::size_t>(64 * word + __builtin_ctzll(m)) * row_floats;
      for (int v = 0; v < NZ - 1; ++v)
        acc[v] = _mm512_add_ps(acc[v], _mm512_loadu_ps(row + 16 * v));
      acc[NZ - 1] = _mm512_add_ps(acc[NZ - 1], _mm512_maskz_loadu_ps(last, row + 16 * (NZ - 1)));
    }
  }
  for (int v = 0; v < NZ - 1; ++v) _mm512_storeu_ps(out + 16 * v, acc[v]);
  _mm512_mask_storeu_ps(out + 16 * (NZ - 1), last, acc[NZ - 1]);
}

void accumulate_spikes_avx512(const float* rows, int stride, const std::uint64_t* mask, int n_words,
                              float* current, float* square) {
  // With the square: one row of [a | a2] (2·stride floats) into [current | square].
  const int row_floats = square ? 2 * stride : stride;
  const int nz = (row_floats + 15) / 16;
  const int tail = row_floats - 16 * (nz - 1);
  const auto last = static_cast<__mmask16>((1u << tail) - 1u);
  switch (nz) {
    case 1:
      accumulate_rows<1>(rows, row_floats, mask, n_words, last, current);
      return;
    case 2:
      accumulate_rows<2>(rows, row_floats, mask, n_words, last, current);
      return;
    case 3:
      accumulate_rows<3>(rows, row_floats, mask, n_words, last, current);
      return;
    case 4:
      accumulate_rows<4>(rows, row_floats, mask, n_words, last, current);
      return;
    case 5:
      accumulate_rows<5>(rows, row_floats, mask, n_words, last, current);
      return;
    case 6:
      accumulate_rows<6>(rows, row_floats, mask, n_words, last, current);
      return;
    default:
      avx2_kernels()->accumulate_spikes(rows, stride, mask, n_words, current, square);
  }
}

// accumulate_steps on AVX-512: two steps are summed together, each taking its next
// active row with a trailing-zero count, which gives 64 (the zero row) once its mask is
// empty. Two steps' independent chains (two or three vectors each) hide the add latency
// that one step's serial sum is bound by, row addresses come from registers, not memory,
// and the only data-dependent branch is the loop end of each pair (its longer list).
// Pairs beat groups of four (measured ~4%): fewer padding adds, as the longest of four
// lists is further above the mean. A row is NZ zmm vectors and, when kHalf, one ymm
// (row_floats is a multiple of 8).
template <int NZ, bool kHalf>
XBARMC_AVX512_BMI void accumulate_steps_rows(const float* rows, int row_floats,
                                             const std::uint64_t* masks, int n_steps, float* out) {
  constexpr int kGroup = 2;
  for (int t0 = 0; t0 < n_steps; t0 += kGroup) {
    std::uint64_t m[kGroup];
    int longest = 0;
    for (int g = 0; g < kGroup; ++g) {
      m[g] = t0 + g < n_steps ? masks[t0 + g] : 0;
      longest = std::max(longest, __builtin_popcountll(m[g]));
    }
    __m512 acc[kGroup][NZ + 1];
    __m256 acc_half[kGroup];
    for (int g = 0; g < kGroup; ++g) {
      for (int v = 0; v < NZ; ++v) acc[g][v] = _mm512_setzero_ps();
      acc_half[g] = _mm256_setzero_ps();
    }
    for (int k = 0; k < longest; ++k) {
      for (int g = 0; g < kGroup; ++g) {
        const float* row = rows + static_cast<std::size_t>(_tzcnt_u64(m[g])) * row_floats;
        m[g] = _blsr_u64(m[g]);
        for (int v = 0; v < NZ; ++v)
          acc[g][v] = _mm512_add_ps(acc[g][v], _mm512_loadu_ps(row + 16 * v));
        if (kHalf) acc_half[g] = _mm256_add_ps(acc_half[g], _mm256_loadu_ps(row + 16 * NZ));
      }
    }
    for (int g = 0; g < kGroup && t0 + g < n_steps; ++g) {
      float* o = out + static_cast<std::size_t>(t0 + g) * row_floats;
      for (int v = 0; v < NZ; ++v) _mm512_storeu_ps(o + 16 * v, acc[g][v]);
      if (kHalf) _mm256_storeu_ps(o + 16 * NZ, acc_half[g]);
    }
  }
}

void accumulate_steps_avx512(const float* rows, int row_floats, const std::uint64_t* masks,
                             int n_steps, float* out) {
  switch (row_floats / 8) {
    case 1:
      accumulate_steps_rows<0, true>(rows, row_floats, masks, n_steps, out);
      return;
    case 2:
      accumulate_steps_rows<1, false>(rows, row_floats, masks, n_steps, out);
      return;
    case 3:
      accumulate_steps_rows<1, true>(rows, row_floats, masks, n_steps, out);
      return;
    case 4:
      accumulate_steps_rows<2, false>(rows, row_floats, masks, n_steps, out);
      return;
    case 5:
      accumulate_steps_rows<2, true>(rows, row_floats, masks, n_steps, out);
      return;
    case 6:
      accumulate_steps_rows<3, false>(rows, row_floats, masks, n_steps, out);
      return;
    case 7:
      accumulate_steps_rows<3, true>(rows, row_floats, masks, n_steps, out);
      return;
    default:
      accumulate_steps_rows<4, false>(rows, row_floats, masks, n_steps, out);
      return;
  }
}

// adc_unipolar_avx2 on sixteen lanes (stride is a multiple of 8: the last vector may
// be half full, masked), the same per-column operations.
XBARMC_AVX512 std::uint32_t adc_unipolar_avx512(const float* current, const float* square,
                                                const float* z, int n_cols, int stride,
                                                const ReadConstants& rc, int adc_bits,
                                                float* codes) {
  std::uint32_t clamped_count = 0;
  const __m512 sr2 = _mm512_set1_ps(rc.sr2), sa2 = _mm512_set1_ps(rc.sa2);
  const __m512 top = _mm512_set1_ps(static_cast<float>(code_full_scale(Scheme::kB, adc_bits)));
  const __m512 zero = _mm512_setzero_ps(), half = _mm512_set1_ps(0.5f);
  for (int c = 0; c < stride; c += 16) {
    const __mmask16 lanes = stride - c >= 16 ? __mmask16(0xFFFF) : __mmask16(0xFF);
    __m512 y = _mm512_maskz_loadu_ps(lanes, current + c);
    if (z) {
      const __m512 var =
          _mm512_add_ps(_mm512_mul_ps(sr2, _mm512_maskz_loadu_ps(lanes, square + c)), sa2);
      y = _mm512_add_ps(y, _mm512_mul_ps(_mm512_sqrt_ps(var), _mm512_maskz_loadu_ps(lanes, z + c)));
    }
    if (adc_bits == 0) {
      _mm512_mask_storeu_ps(codes + c, lanes, y);
      continue;
    }
    const __m512 q =
        _mm512_roundscale_ps(_mm512_add_ps(y, half), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const auto out = static_cast<unsigned>(_mm512_cmp_ps_mask(q, top, _CMP_GT_OQ) |
                                           _mm512_cmp_ps_mask(q, zero, _CMP_LT_OQ));
    const unsigned valid =
        n_cols - c >= 16 ? 0xFFFFu : (n_cols > c ? (1u << (n_cols - c)) - 1u : 0u);
    clamped_count += static_cast<std::uint32_t>(__builtin_popcount(out & valid));
    _mm512_mask_storeu_ps(codes + c, lanes, _mm512_min_ps(_mm512_max_ps(q, zero), top));
  }
  return clamped_count;
}

// adc_unipolar_avx512's conversion of one vector; clamped lanes of `valid` are counted.
XBARMC_AVX512 inline __m512 adc_codes16(__m512 y, __mmask16 valid, int adc_bits, __m512 top,
                                        std::uint32_t* clamped_count) {
  if (adc_bits == 0) return y;
  const __m512 zero = _mm512_setzero_ps();
  const __m512 q = _mm512_roundscale_ps(_mm512_add_ps(y, _mm512_set1_ps(0.5f)),
                                        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const auto out = static_cast<unsigned>(_mm512_cmp_ps_mask(q, top, _CMP_GT_OQ) |
                                         _mm512_cmp_ps_mask(q, zero, _CMP_LT_OQ));
  *clamped_count += static_cast<std::uint32_t>(__builtin_popcount(out & valid));
  return _mm512_min_ps(_mm512_max_ps(q, zero), top);
}

// adc_neurons_steps: adc_unipolar_avx512 and neurons_avx2's operations on sixteen lanes,
// every step in one call, with the membrane potentials and counts held in registers
// from the first step to the last. Codes 2j and 2j+1 (interleaved layout) are taken
// apart with one two-source permute each.
XBARMC_AVX512 std::uint32_t adc_neurons_steps_avx512(const float* read, int read_step,
                                                     int square_offset, const float* z, int n_steps,
                                                     int n_cols, const ReadConstants& rc,
                                                     int adc_bits, const NeuronConstants& nc,
                                                     int n_out, float* v, std::uint32_t* counts) {
  const __m512 sr2 = _mm512_set1_ps(rc.sr2), sa2 = _mm512_set1_ps(rc.sa2);
  const __m512 top = _mm512_set1_ps(static_cast<float>(code_full_scale(Scheme::kB, adc_bits)));
  const __m512 zero = _mm512_setzero_ps();
  const __m512 leak = _mm512_set1_ps(nc.leak), theta = _mm512_set1_ps(nc.threshold);
  const __m512 gain = _mm512_set1_ps(nc.gain);
  const bool subtract = nc.reset == Reset::kSubtract;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  // The lanes of the columns: only these are read and counted as clamped.
  const __mmask16 valid_lo = static_cast<__mmask16>(n_cols >= 16 ? 0xFFFFu : (1u << n_cols) - 1u);
  const __mmask16 valid_hi = static_cast<__mmask16>(n_cols > 16 ? (1u << (n_cols - 16)) - 1u : 0u);
  const auto outputs = static_cast<__mmask16>((1u << n_out) - 1u);
  __m512 vm = _mm512_maskz_loadu_ps(outputs, v);
  __m512i cm = _mm512_maskz_loadu_epi32(outputs, counts);
  std::uint32_t clamped_count = 0;
  for (int t = 0; t < n_steps; ++t) {
    const float* current = read + static_cast<std::size_t>(t) * read_step;
    __m512 y_lo = _mm512_maskz_loadu_ps(valid_lo, current);
    __m512 y_hi = _mm512_maskz_loadu_ps(valid_hi, current + 16);
    if (z) {
      const float* square = current + square_offset;
      const float* zt = z + static_cast<std::size_t>(t) * n_cols;
      const __m512 var_lo =
          _mm512_add_ps(_mm512_mul_ps(sr2, _mm512_maskz_loadu_ps(valid_lo, square)), sa2);
      const __m512 var_hi =
          _mm512_add_ps(_mm512_mul_ps(sr2, _mm512_maskz_loadu_ps(valid_hi, square + 16)), sa2);
      y_lo = _mm512_add_ps(
          y_lo, _mm512_mul_ps(_mm512_sqrt_ps(var_lo), _mm512_maskz_loadu_ps(valid_lo, zt)));
      y_hi = _mm512_add_ps(
          y_hi, _mm512_mul_ps(_mm512_sqrt_ps(var_hi), _mm512_maskz_loadu_ps(valid_hi, zt + 16)));
    }
    const __m512 c_lo = adc_codes16(y_lo, valid_lo, adc_bits, top, &clamped_count);
    const __m512 c_hi = adc_codes16(y_hi, valid_hi, adc_bits, top, &clamped_count);
    __m512 d = _mm512_sub_ps(_mm512_permutex2var_ps(c_lo, even, c_hi),
                             _mm512_permutex2var_ps(c_lo, odd, c_hi));
    if (nc.compensate) d = _mm512_mul_ps(d, gain);
    const __m512 x = _mm512_add_ps(_mm512_mul_ps(leak, vm), d);
    const __mmask16 spike = _mm512_cmp_ps_mask(x, theta, _CMP_GE_OQ);
    vm = _mm512_mask_mov_ps(x, spike, subtract ? _mm512_sub_ps(x, theta) : zero);
    cm = _mm512_mask_add_epi32(cm, spike, cm, _mm512_set1_epi32(1));
  }
  _mm512_mask_storeu_ps(v, outputs, vm);
  _mm512_mask_storeu_epi32(counts, outputs, cm);
  return clamped_count;
}

}  // namespace

const Kernels* avx512_kernels() {
  static const bool supported = __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512dq") && avx2_kernels() != nullptr;
  if (!supported) return nullptr;
  // The all-steps accumulation walks the masks with BMI1's tzcnt and blsr.
  static const bool bmi = __builtin_cpu_supports("bmi");
  static const Kernels k{"avx512",
                         normals_avx512,
                         accumulate_spikes_avx512,
                         avx2_kernels()->accumulate_dense,
                         adc_unipolar_avx512,
                         avx2_kernels()->neurons,
                         bmi ? accumulate_steps_avx512 : nullptr,
                         adc_neurons_steps_avx512,
                         accumulate_list_avx512(),
                         normals_gather_avx512};
  return &k;
}

}  // namespace xbarmc::simd

#else

namespace xbarmc::simd {
const Kernels* avx512_kernels() {
  return nullptr;
}
}  // namespace xbarmc::simd

#endif
