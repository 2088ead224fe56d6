#include "data/shuffle.hpp"

#include <numeric>
#include <utility>

#include "xbarmc/rng.hpp"

namespace xbarmc {

std::vector<int> epoch_permutation(std::uint64_t seed, TrainPhase phase, int epoch, int n) {
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  const Stream s = make_stream(seed, Purpose::kDataShuffle, static_cast<std::uint32_t>(phase),
                               static_cast<std::uint32_t>(epoch));
  for (int i = n - 1; i > 0; --i) {
    const double u = uniform_double(stream_word(s, static_cast<std::uint32_t>(i)));
    const int j = static_cast<int>(u * (i + 1));  // u < 1, so j ≤ i
    std::swap(perm[i], perm[j]);
  }
  return perm;
}

}  // namespace xbarmc
