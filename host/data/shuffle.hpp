// Seeded shuffling for training (DESIGN §4): the permutation of an epoch is a pure
// function of (seed, phase, epoch) through the kDataShuffle Philox stream.
#pragma once

#include <cstdint>
#include <vector>

namespace xbarmc {

// Training phases own disjoint streams (the `a` index of the stream).
enum class TrainPhase : std::uint32_t {
  kSupervisedProjection = 1,
  kFloat = 2,
  kQat = 3,
};

// Fisher–Yates with j = floor(u·(i+1)), u = uniform_double(word i of the stream).
std::vector<int> epoch_permutation(std::uint64_t seed, TrainPhase phase, int epoch, int n);

}  // namespace xbarmc
