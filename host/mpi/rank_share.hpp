// How a round of chips is split over MPI ranks: contiguous shares, independent of MPI
// so that it is tested everywhere.
#pragma once

#include <cstdint>

namespace xbarmc::study::mpi {

// Rank `rank`'s share of the round [begin, end): [begin + ⌊n·r/K⌋, begin + ⌊n·(r+1)/K⌋).
struct Share {
  std::uint64_t begin = 0, end = 0;
};
inline Share rank_share(std::uint64_t begin, std::uint64_t end, int rank, int n_ranks) {
  const std::uint64_t n = end - begin, k = static_cast<std::uint64_t>(n_ranks);
  const auto r = static_cast<std::uint64_t>(rank);
  return {begin + n * r / k, begin + n * (r + 1) / k};
}

}  // namespace xbarmc::study::mpi
