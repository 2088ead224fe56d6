// One hash of a study's correct counts, printed like XSBench's verification hash so
// that CPU vs GPU, thread counts, batch sizes and resumed runs compare by eye:
// FNV-1a (64 bit) over the counts as little-endian uint32 in [time][chip] order.
#pragma once

#include <cstdint>
#include <vector>

#include "common/fnv1a.hpp"

namespace xbarmc::study {

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

}  // namespace xbarmc::study
