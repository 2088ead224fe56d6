// One hash of a study's correct counts, printed like XSBench's verification hash so
// that CPU vs GPU, thread counts, batch sizes and resumed runs compare by eye:
// FNV-1a (64 bit) over the counts as little-endian uint32 in [time][chip] order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace xbarmc::study {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

inline std::uint64_t fnv1a_bytes(const unsigned char* bytes, std::size_t n,
                                 std::uint64_t h = kFnvOffset) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= bytes[i];
    h *= kFnvPrime;
  }
  return h;
}

inline std::uint64_t counts_checksum(const std::vector<std::uint32_t>& counts) {
  std::uint64_t h = kFnvOffset;
  for (std::uint32_t v : counts) {
    const unsigned char le[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                                 static_cast<unsigned char>(v >> 16),
                                 static_cast<unsigned char>(v >> 24)};
    h = fnv1a_bytes(le, 4, h);
  }
  return h;
}

inline std::string hex64(std::uint64_t h) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace xbarmc::study
