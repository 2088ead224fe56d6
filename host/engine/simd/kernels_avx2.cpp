// AVX2 kernels: the scalar kernels' operation sequences, eight lanes at a time.
//  - Normals: eight consecutive Philox blocks of one stream per vector (lanes differ
//    only in the block counter), the 32×32→64 products by _mm256_mul_epu32 on the even
//    and odd lanes; Box–Muller with portable_log / portable_sincos_2pi (float) lane-wise.
//    Every operation is an IEEE-exact + − × ÷ sqrt floor or a bit manipulation, so the
//    lanes equal the scalar results bit for bit (no FMA: each a·b + c is a multiply and
//    an add, as in the scalar code). The sincos polynomial multiplies by the constants
//    detail::Reciprocal<float, c>::value = RN(1/c), in the scalar code's order.
//  - Row accumulation and the scheme-B ADC keep the per-column order of the scalar code.
#include "engine/simd/kernels.hpp"

#if defined(XBARMC_X86)
#include <immintrin.h>

#include <cstring>

namespace xbarmc::simd {
namespace {

#define XBARMC_AVX2 __attribute__((target("avx2,fma")))

XBARMC_AVX2 inline void mul_hi_lo(__m256i a, __m256i m, __m256i* hi, __m256i* lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Philox4x32-10 on eight counters {block + lane, b, a, purpose}.
// Philox4x32-10 of the blocks in the lanes of `blocks`, one stream.
XBARMC_AVX2 inline void philox8_lanes(const Stream& s, __m256i blocks, __m256i* x, __m256i* y,
                                      __m256i* z, __m256i* w) {
  __m256i cx = blocks;
  __m256i cy = _mm256_set1_epi32(static_cast<int>(s.b));
  __m256i cz = _mm256_set1_epi32(static_cast<int>(s.a));
  __m256i cw = _mm256_set1_epi32(static_cast<int>(s.purpose));
  __m256i k0 = _mm256_set1_epi32(static_cast<int>(s.key.x));
  __m256i k1 = _mm256_set1_epi32(static_cast<int>(s.key.y));
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(detail::kPhiloxM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(detail::kPhiloxM1));
  const __m256i w0 = _mm256_set1_epi32(static_cast<int>(detail::kPhiloxW0));
  const __m256i w1 = _mm256_set1_epi32(static_cast<int>(detail::kPhiloxW1));
  for (int round = 0; round < 10; ++round) {
    __m256i hi0, lo0, hi1, lo1;
    mul_hi_lo(cx, m0, &hi0, &lo0);
    mul_hi_lo(cz, m1, &hi1, &lo1);
    const __m256i nx = _mm256_xor_si256(_mm256_xor_si256(hi1, cy), k0);
    const __m256i nz = _mm256_xor_si256(_mm256_xor_si256(hi0, cw), k1);
    cx = nx;
    cy = lo1;
    cz = nz;
    cw = lo0;
    k0 = _mm256_add_epi32(k0, w0);
    k1 = _mm256_add_epi32(k1, w1);
  }
  *x = cx;
  *y = cy;
  *z = cz;
  *w = cw;
}

// detail::alternating_horner<float, D...>: p ← 1 − (p·r2)·RN(1/D).
template <int... D>
XBARMC_AVX2 inline __m256 alternating_horner8(__m256 r2) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 p = one;
  ((p = _mm256_sub_ps(one, _mm256_mul_ps(_mm256_mul_ps(p, r2),
                                         _mm256_set1_ps(detail::Reciprocal<float, D>::value)))),
   ...);
  return p;
}

// detail::portable_log<float>, lane-wise.
XBARMC_AVX2 inline __m256 log8(__m256 x) {
  const __m256i bits = _mm256_castps_si256(x);
  __m256i e =
      _mm256_sub_epi32(_mm256_and_si256(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0xFF)),
                       _mm256_set1_epi32(127));
  __m256 m = _mm256_castsi256_ps(_mm256_or_si256(
      _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFF)), _mm256_set1_epi32(127 << 23)));
  const __m256 big =
      _mm256_cmp_ps(m, _mm256_set1_ps(static_cast<float>(1.41421356237309504880)), _CMP_GT_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
  e = _mm256_sub_epi32(e, _mm256_castps_si256(big));  // big lanes are −1: e + 1
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 s = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one));
  const __m256 s2 = _mm256_mul_ps(s, s);
  constexpr int kTerms = 5;
  __m256 poly = _mm256_set1_ps(1.0f / static_cast<float>(2 * kTerms + 1));
  for (int k = kTerms - 1; k >= 0; --k) {
    poly = _mm256_add_ps(_mm256_mul_ps(poly, s2),
                         _mm256_set1_ps(1.0f / static_cast<float>(2 * k + 1)));
  }
  const __m256 ln2 = _mm256_set1_ps(static_cast<float>(0.693147180559945309417232121458));
  return _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(2.0f), s), poly),
                       _mm256_mul_ps(_mm256_cvtepi32_ps(e), ln2));
}

// detail::portable_sincos_2pi<float>, lane-wise.
XBARMC_AVX2 inline void sincos8(__m256 u, __m256* s_out, __m256* c_out) {
  const __m256 w = _mm256_mul_ps(_mm256_set1_ps(4.0f), u);
  const __m256 q = _mm256_floor_ps(_mm256_add_ps(w, _mm256_set1_ps(0.5f)));
  const __m256 r = _mm256_mul_ps(_mm256_sub_ps(w, q),
                                 _mm256_set1_ps(static_cast<float>(1.57079632679489661923)));
  const __m256 r2 = _mm256_mul_ps(r, r);
  const __m256 ps = alternating_horner8<110, 72, 42, 20, 6>(r2);
  const __m256 pc = alternating_horner8<90, 56, 30, 12, 2>(r2);
  const __m256 sr = _mm256_mul_ps(r, ps);
  const __m256 cr = pc;
  const __m256i qi = _mm256_and_si256(_mm256_cvttps_epi32(q), _mm256_set1_epi32(3));
  // Quadrant 1, 3 swap sine and cosine; sine is negated in 2, 3, cosine in 1, 2.
  const __m256 swap = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(qi, _mm256_set1_epi32(1)), _mm256_set1_epi32(1)));
  const __m256i neg_s = _mm256_slli_epi32(_mm256_srli_epi32(qi, 1), 31);
  const __m256i neg_c =
      _mm256_slli_epi32(_mm256_srli_epi32(_mm256_add_epi32(qi, _mm256_set1_epi32(1)), 1), 31);
  const __m256 s = _mm256_blendv_ps(sr, cr, swap);
  const __m256 c = _mm256_blendv_ps(cr, sr, swap);
  *s_out = _mm256_xor_ps(s, _mm256_castsi256_ps(neg_s));
  *c_out = _mm256_xor_ps(c, _mm256_castsi256_ps(neg_c));
}

// normal2_float on eight word pairs.
XBARMC_AVX2 inline void box_muller8(__m256i w0, __m256i w1, __m256* z0, __m256* z1) {
  const __m256 scale = _mm256_set1_ps(0x1p-24f);
  const __m256 u0 = _mm256_mul_ps(
      _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_srli_epi32(w0, 8), _mm256_set1_epi32(1))), scale);
  const __m256 u1 = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(w1, 8)), scale);
  const __m256 r = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2.0f), log8(u0)));
  __m256 s, c;
  sincos8(u1, &s, &c);
  *z0 = _mm256_mul_ps(r, c);
  *z1 = _mm256_mul_ps(r, s);
}

// 32 normals of blocks block..block+7, in stream order.
XBARMC_AVX2 inline void normals32_lanes(const Stream& st, __m256i blocks, float* out) {
  __m256i x, y, z, w;
  philox8_lanes(st, blocks, &x, &y, &z, &w);
  __m256 c0, s0, c1, s1;
  box_muller8(x, y, &c0, &s0);
  box_muller8(z, w, &c1, &s1);
  // Lane l of (c0, s0, c1, s1) are normals 4l..4l+3: a 4×8 transpose.
  const __m256 a = _mm256_unpacklo_ps(c0, s0), b = _mm256_unpackhi_ps(c0, s0);
  const __m256 c = _mm256_unpacklo_ps(c1, s1), d = _mm256_unpackhi_ps(c1, s1);
  const __m256 e = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(a), _mm256_castps_pd(c)));
  const __m256 f = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(a), _mm256_castps_pd(c)));
  const __m256 g = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(b), _mm256_castps_pd(d)));
  const __m256 h = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(b), _mm256_castps_pd(d)));
  _mm256_storeu_ps(out, _mm256_permute2f128_ps(e, f, 0x20));       // blocks 0, 1
  _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(g, h, 0x20));   // blocks 2, 3
  _mm256_storeu_ps(out + 16, _mm256_permute2f128_ps(e, f, 0x31));  // blocks 4, 5
  _mm256_storeu_ps(out + 24, _mm256_permute2f128_ps(g, h, 0x31));  // blocks 6, 7
}

XBARMC_AVX2 inline void normals32(const Stream& st, std::uint32_t block, float* out) {
  normals32_lanes(st,
                  _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(block)),
                                   _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
                  out);
}

XBARMC_AVX2 void normals_gather_avx2(const Stream& s, const std::uint32_t* blocks,
                                     std::uint32_t n_blocks, float* out) {
  std::uint32_t b = 0;
  for (; b + 8 <= n_blocks; b += 8) {
    normals32_lanes(s, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blocks + b)),
                    out + 4 * b);
  }
  if (b < n_blocks) {
    std::uint32_t lanes[8] = {};
    std::memcpy(lanes, blocks + b, sizeof(std::uint32_t) * (n_blocks - b));
    float tail[32];
    normals32_lanes(s, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes)), tail);
    std::memcpy(out + 4 * b, tail, sizeof(float) * 4 * (n_blocks - b));
  }
}

XBARMC_AVX2 void normals_avx2(const Stream& s, std::uint32_t first_block, std::uint32_t n_blocks,
                              float* out) {
  std::uint32_t b = 0;
  for (; b + 8 <= n_blocks; b += 8) normals32(s, first_block + b, out + 4 * b);
  if (b < n_blocks) {
    float tail[32];
    normals32(s, first_block + b, tail);
    std::memcpy(out + 4 * b, tail, sizeof(float) * 4 * (n_blocks - b));
  }
}

template <int NV>
XBARMC_AVX2 void accumulate_spikes_fixed(const float* a, int stride, const std::uint64_t* mask,
                                         int n_words, float* current, float* square) {
  const std::size_t row_floats = static_cast<std::size_t>(square ? 2 * stride : stride);
  const float* a2 = a + stride;  // read only with square
  __m256 acc[NV], sq[NV];
  for (int v = 0; v < NV; ++v) acc[v] = sq[v] = _mm256_setzero_ps();
  for (int word = 0; word < n_words; ++word) {
    for (std::uint64_t m = mask[word]; m != 0; m &= m - 1) {
      const std::size_t row = static_cast<std::size_t>(64 * word + __builtin_ctzll(m)) * row_floats;
      for (int v = 0; v < NV; ++v) acc[v] = _mm256_add_ps(acc[v], _mm256_loadu_ps(a + row + 8 * v));
      if (square) {
        for (int v = 0; v < NV; ++v)
          sq[v] = _mm256_add_ps(sq[v], _mm256_loadu_ps(a2 + row + 8 * v));
      }
    }
  }
  for (int v = 0; v < NV; ++v) {
    _mm256_storeu_ps(current + 8 * v, acc[v]);
    if (square) _mm256_storeu_ps(square + 8 * v, sq[v]);
  }
}

XBARMC_AVX2 void accumulate_spikes_any(const float* a, int stride, const std::uint64_t* mask,
                                       int n_words, float* current, float* square) {
  const std::size_t row_floats = static_cast<std::size_t>(square ? 2 * stride : stride);
  const float* a2 = a + stride;  // read only with square
  for (int c = 0; c < stride; c += 8) {
    _mm256_storeu_ps(current + c, _mm256_setzero_ps());
    if (square) _mm256_storeu_ps(square + c, _mm256_setzero_ps());
  }
  for (int word = 0; word < n_words; ++word) {
    for (std::uint64_t m = mask[word]; m != 0; m &= m - 1) {
      const std::size_t row = static_cast<std::size_t>(64 * word + __builtin_ctzll(m)) * row_floats;
      for (int c = 0; c < stride; c += 8) {
        _mm256_storeu_ps(current + c,
                         _mm256_add_ps(_mm256_loadu_ps(current + c), _mm256_loadu_ps(a + row + c)));
        if (square) {
          _mm256_storeu_ps(square + c, _mm256_add_ps(_mm256_loadu_ps(square + c),
                                                     _mm256_loadu_ps(a2 + row + c)));
        }
      }
    }
  }
}

void accumulate_spikes_avx2(const float* a, int stride, const std::uint64_t* mask, int n_words,
                            float* current, float* square) {
  switch (stride / 8) {
    case 1:
      accumulate_spikes_fixed<1>(a, stride, mask, n_words, current, square);
      return;
    case 2:
      accumulate_spikes_fixed<2>(a, stride, mask, n_words, current, square);
      return;
    case 3:
      accumulate_spikes_fixed<3>(a, stride, mask, n_words, current, square);
      return;
    case 4:
      accumulate_spikes_fixed<4>(a, stride, mask, n_words, current, square);
      return;
    default:
      accumulate_spikes_any(a, stride, mask, n_words, current, square);
      return;
  }
}

XBARMC_AVX2 void accumulate_dense_avx2(const float* a, int stride, const float* s, int n_in,
                                       float* current, float* square) {
  for (int c = 0; c < stride; c += 8) {
    __m256 acc = _mm256_setzero_ps(), sq = _mm256_setzero_ps();
    for (int i = 0; i < n_in; ++i) {
      const __m256 v = _mm256_mul_ps(_mm256_set1_ps(s[i]),
                                     _mm256_loadu_ps(a + static_cast<std::size_t>(i) * stride + c));
      acc = _mm256_add_ps(acc, v);
      sq = _mm256_add_ps(sq, _mm256_mul_ps(v, v));
    }
    _mm256_storeu_ps(current + c, acc);
    if (square) _mm256_storeu_ps(square + c, sq);
  }
}

XBARMC_AVX2 std::uint32_t adc_unipolar_avx2(const float* current, const float* square,
                                            const float* z, int n_cols, int stride,
                                            const ReadConstants& rc, int adc_bits, float* codes) {
  std::uint32_t clamped_count = 0;
  const __m256 sr2 = _mm256_set1_ps(rc.sr2), sa2 = _mm256_set1_ps(rc.sa2);
  const __m256 top = _mm256_set1_ps(static_cast<float>(code_full_scale(Scheme::kB, adc_bits)));
  const __m256 zero = _mm256_setzero_ps(), half = _mm256_set1_ps(0.5f);
  for (int c = 0; c < stride; c += 8) {
    __m256 y = _mm256_loadu_ps(current + c);
    if (z) {
      const __m256 sigma =
          _mm256_sqrt_ps(_mm256_add_ps(_mm256_mul_ps(sr2, _mm256_loadu_ps(square + c)), sa2));
      y = _mm256_add_ps(y, _mm256_mul_ps(sigma, _mm256_loadu_ps(z + c)));
    }
    if (adc_bits == 0) {
      _mm256_storeu_ps(codes + c, y);
      continue;
    }
    const __m256 q = _mm256_floor_ps(_mm256_add_ps(y, half));
    const __m256 out =
        _mm256_or_ps(_mm256_cmp_ps(q, top, _CMP_GT_OQ), _mm256_cmp_ps(q, zero, _CMP_LT_OQ));
    const int valid = n_cols - c >= 8 ? 0xFF : (n_cols > c ? (1 << (n_cols - c)) - 1 : 0);
    clamped_count +=
        static_cast<std::uint32_t>(__builtin_popcount(_mm256_movemask_ps(out) & valid));
    _mm256_storeu_ps(codes + c, _mm256_min_ps(_mm256_max_ps(q, zero), top));
  }
  return clamped_count;
}

// if_step on eight neurons at once, without branches (spikes are unpredictable):
// x = leak·v + d; spike = x ≥ θ; x = spike ? (subtract ? x − θ : 0) : x. The diffs are
// formed with scalar loads (vgatherdps is slow on CPUs with the GDS mitigation), or for
// the interleaved layout with two contiguous loads and a deinterleave.
XBARMC_AVX2 void neurons_avx2(const float* codes, const int* col_pos, const int* col_neg, int n_out,
                              const NeuronConstants& nc, float* v, std::uint32_t* counts) {
  const __m256 leak = _mm256_set1_ps(nc.leak), theta = _mm256_set1_ps(nc.threshold);
  const __m256 gain = _mm256_set1_ps(nc.gain);
  const bool subtract = nc.reset == Reset::kSubtract;
  for (int j = 0; j < n_out; j += 8) {
    __m256 d;
    if (nc.interleaved) {
      // codes[2j .. 2j+15] = p0 n0 p1 n1 …: even and odd lanes, back in order.
      const __m256 lo = _mm256_loadu_ps(codes + 2 * j), hi = _mm256_loadu_ps(codes + 2 * j + 8);
      const __m256 pos = _mm256_castpd_ps(_mm256_permute4x64_pd(
          _mm256_castps_pd(_mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8));
      const __m256 neg = _mm256_castpd_ps(_mm256_permute4x64_pd(
          _mm256_castps_pd(_mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8));
      d = _mm256_sub_ps(pos, neg);
    } else {
      alignas(32) float diff[8];
      for (int l = 0; l < 8; ++l) diff[l] = codes[col_pos[j + l]] - codes[col_neg[j + l]];
      d = _mm256_load_ps(diff);
    }
    if (nc.compensate) d = _mm256_mul_ps(d, gain);
    const __m256 x = _mm256_add_ps(_mm256_mul_ps(leak, _mm256_loadu_ps(v + j)), d);
    const __m256 spike = _mm256_cmp_ps(x, theta, _CMP_GE_OQ);
    const __m256 reset = subtract ? _mm256_sub_ps(x, theta) : _mm256_setzero_ps();
    _mm256_storeu_ps(v + j, _mm256_blendv_ps(x, reset, spike));
    __m256i* c = reinterpret_cast<__m256i*>(counts + j);
    _mm256_storeu_si256(c, _mm256_sub_epi32(_mm256_loadu_si256(c), _mm256_castps_si256(spike)));
  }
}

}  // namespace

const Kernels* avx2_kernels() {
  static const Kernels k{"avx2",
                         normals_avx2,
                         accumulate_spikes_avx2,
                         accumulate_dense_avx2,
                         adc_unipolar_avx2,
                         neurons_avx2,
                         nullptr,
                         nullptr,
                         accumulate_list_avx2(),
                         normals_gather_avx2};
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported ? &k : nullptr;
}

}  // namespace xbarmc::simd

#else  // not x86: the portable path only

namespace xbarmc::simd {
const Kernels* avx2_kernels() {
  return nullptr;
}
}  // namespace xbarmc::simd

#endif
