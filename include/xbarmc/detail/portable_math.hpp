// exp, log, sin/cos(2πu) and sqrt built only from IEEE-exact operations (+ − × ÷,
// sqrt, exponent bit manipulation), so that host and device produce bit-identical
// values (nvcc must compile with --fmad=false, g++ with -ffp-contract=off).
// Accuracy: a few ulp in float, ~1e-15 relative in double, ample for sampling.
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
  constexpr int kDegree = sizeof(T) == 4 ? 8 : 14;
  T poly = T(1);
  for (int n = kDegree; n >= 1; --n) poly = T(1) + poly * r / T(n);
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
  constexpr int kTerms = sizeof(T) == 4 ? 5 : 9;
  // sin r = r·Σ (−r²)^n/(2n+1)!, cos r = Σ (−r²)^n/(2n)!, evaluated by Horner.
  T ps = T(1);
  T pc = T(1);
  for (int n = kTerms; n >= 1; --n) {
    ps = T(1) - ps * r2 / T((2 * n) * (2 * n + 1));
    pc = T(1) - pc * r2 / T((2 * n - 1) * (2 * n));
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
