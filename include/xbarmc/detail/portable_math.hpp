// exp, log, sin/cos(2πu) and sqrt built only from IEEE-exact operations (+ − × ÷,
// sqrt, exponent bit manipulation), so that host and device produce bit-identical
// values (nvcc must compile with --fmad=false, g++ with -ffp-contract=off).
// Accuracy: a few ulp in float, ~1e-15 relative in double, ample for sampling.
// Polynomial coefficients 1/n are compile-time constants (Reciprocal), so the Horner
// loops multiply instead of dividing at run time (a division costs ~10× a multiply on
// CPU and GPU alike); the SIMD kernels (host/engine/simd) use the same constants.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "xbarmc/hd.hpp"

namespace xbarmc::detail {

template <class T>
struct FloatBits;
template <>
struct FloatBits<float> {
  using U = std::uint32_t;
  static constexpr int kMantissa = 23;
  static constexpr int kBias = 127;
};
template <>
struct FloatBits<double> {
  using U = std::uint64_t;
  static constexpr int kMantissa = 52;
  static constexpr int kBias = 1023;
};

// RN(1/D) in T, evaluated by the compiler (IEEE division of two exact integers, so the
// host and device compilers agree).
template <class T, int D>
struct Reciprocal {
  static constexpr T value = T(1) / T(D);
};

// p ← 1 − (p·r2)·(1/D) for each D in turn, from p = 1: Horner form of the sine / cosine
// series with the ratios of consecutive coefficients.
template <class T, int... D>
XBARMC_HD T alternating_horner(T r2) {
  T p = T(1);
  ((p = T(1) - p * r2 * Reciprocal<T, D>::value), ...);
  return p;
}

// p ← 1 + (p·r)·(1/N) for each N in turn, from p = 1: e^r = 1 + r(1 + r/2(1 + r/3(…))).
template <class T, int... N>
XBARMC_HD T exp_horner(T r) {
  T p = T(1);
  ((p = T(1) + p * r * Reciprocal<T, N>::value), ...);
  return p;
}

template <class T>
XBARMC_HD typename FloatBits<T>::U to_bits(T x) {
  typename FloatBits<T>::U u;
  std::memcpy(&u, &x, sizeof(T));
  return u;
}
template <class T>
XBARMC_HD T from_bits(typename FloatBits<T>::U u) {
  T x;
  std::memcpy(&x, &u, sizeof(T));
  return x;
}

// Natural log for finite x > 0 (normal numbers). x = m·2^e with m in [√½, √2),
// ln m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.1716: odd series in s.
template <class T>
XBARMC_HD T portable_log(T x) {
  using B = FloatBits<T>;
  using U = typename B::U;
  const U bits = to_bits(x);
  int e = static_cast<int>((bits >> B::kMantissa) & ((U(1) << (sizeof(T) * 8 - 1 - B::kMantissa)) - 1)) - B::kBias;
  U mant_bits = (bits & ((U(1) << B::kMantissa) - 1)) | (U(B::kBias) << B::kMantissa);
  T m = from_bits<T>(mant_bits);  // in [1, 2)
  if (m > T(1.41421356237309504880)) {
    m = m * T(0.5);
    e += 1;
  }
  const T s = (m - T(1)) / (m + T(1));
  const T s2 = s * s;
  // Terms up to s^(2n+1)/(2n+1): n = 5 for float, 11 for double.
  constexpr int kTerms = sizeof(T) == 4 ? 5 : 11;
  T poly = T(1) / T(2 * kTerms + 1);
  for (int k = kTerms - 1; k >= 0; --k) poly = poly * s2 + T(1) / T(2 * k + 1);
  const T ln2 = T(0.693147180559945309417232121458);
  return T(2) * s * poly + T(e) * ln2;
}

// e^x for |x| < ~700 (double) / ~87 (float); x = k·ln2 + r, |r| ≤ ln2/2.
template <class T>
XBARMC_HD T portable_exp(T x) {
  using B = FloatBits<T>;
  using U = typename B::U;
  const T inv_ln2 = T(1.44269504088896340736);
  const T kf = std::floor(x * inv_ln2 + T(0.5));
  // ln2 split in two parts so that k·ln2_hi is exact.
  const T ln2_hi = sizeof(T) == 4 ? T(0.693145751953125) : T(0.693147180369123816490);
  const T ln2_lo = sizeof(T) == 4 ? T(1.428606765330187045e-06) : T(1.90821492927058770002e-10);
  const T r = (x - kf * ln2_hi) - kf * ln2_lo;
  // Degree 8 for float, 14 for double.
  T poly;
  if constexpr (sizeof(T) == 4) {
    poly = exp_horner<T, 8, 7, 6, 5, 4, 3, 2, 1>(r);
  } else {
    poly = exp_horner<T, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1>(r);
  }
  int k = static_cast<int>(kf);
  // Scale by 2^k in two steps so that large |k| stays representable.
  const int k1 = k / 2;
  const int k2 = k - k1;
  const T s1 = from_bits<T>(static_cast<U>(k1 + B::kBias) << B::kMantissa);
  const T s2 = from_bits<T>(static_cast<U>(k2 + B::kBias) << B::kMantissa);
  return poly * s1 * s2;
}

// sin(2πu) and cos(2πu) for u in [0, 1).
template <class T>
XBARMC_HD void portable_sincos_2pi(T u, T* s, T* c) {
  const T w = T(4) * u;             // quarter turns, in [0, 4)
  const T q = std::floor(w + T(0.5));  // nearest quadrant 0..4
  const T r = (w - q) * T(1.57079632679489661923);  // |r| ≤ π/4
  const T r2 = r * r;
  // sin r = r·Σ (−r²)^n/(2n+1)!, cos r = Σ (−r²)^n/(2n)!, evaluated by Horner with the
  // ratios 1/((2n)(2n+1)) and 1/((2n−1)(2n)), n = 5..1 (float) or 9..1 (double).
  T ps, pc;
  if constexpr (sizeof(T) == 4) {
    ps = alternating_horner<T, 110, 72, 42, 20, 6>(r2);
    pc = alternating_horner<T, 90, 56, 30, 12, 2>(r2);
  } else {
    ps = alternating_horner<T, 342, 272, 210, 156, 110, 72, 42, 20, 6>(r2);
    pc = alternating_horner<T, 306, 240, 182, 132, 90, 56, 30, 12, 2>(r2);
  }
  const T sr = r * ps;
  const T cr = pc;
  switch (static_cast<int>(q) & 3) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
  }
}

}  // namespace xbarmc::detail
