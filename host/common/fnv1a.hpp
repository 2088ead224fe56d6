// FNV-1a, 64 bit (Fowler–Noll–Vo): the one hash of xbarmc, for the checksums a study
// prints and merge re-checks (XSBench's verification hash), model-file checksums and the
// CPU engine's input fingerprint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace xbarmc {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

// The standard hash, one byte per step, continuing from `h`.
inline std::uint64_t fnv1a_bytes(const void* data, std::size_t n, std::uint64_t h = kFnvOffset) {
  const auto* b = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * kFnvPrime;
  return h;
}

// The same step taking eight bytes (a native-order word) at a time, then the odd bytes
// one by one: not the standard value, a fingerprint for data that is hashed often (the
// CPU engine hashes every feature on each call, and byte steps cost a few percent).
inline std::uint64_t fnv1a_words(const void* data, std::size_t n, std::uint64_t h = kFnvOffset) {
  const auto* b = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, b + i, 8);
    h = (h ^ word) * kFnvPrime;
  }
  return fnv1a_bytes(b + i, n - i, h);
}

// 16 lower-case hex digits.
inline std::string hex64(std::uint64_t h) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace xbarmc
