// Input encoding over T timesteps (DESIGN §2.5): each feature x ∈ [0,1] becomes an
// activation s ∈ [0,1] per timestep, the word-line voltage being V = s·V_read. Spike
// codes give s ∈ {0,1}; `direct` gives a DAC level. Inputs depend on (image, t, row)
// only, never on the chip, so chips are compared on common random inputs.
#pragma once

#include <cmath>
#include <cstdint>

#include "xbarmc/hd.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {

// Rate coding key: uniform_float of word `row` of stream (seed, kInputSpikes,
// a = image_id, b = t). Spike iff u < x (float compare; x = 1 always spikes, 0 never).
XBARMC_HD Stream input_spike_stream(std::uint64_t seed, std::uint32_t image_id, int t) {
  return make_stream(seed, Purpose::kInputSpikes, image_id, static_cast<std::uint32_t>(t));
}
XBARMC_HD bool rate_spike(std::uint64_t seed, std::uint32_t image_id, int t, int row, float x) {
  return uniform_float(stream_word(input_spike_stream(seed, image_id, t),
                                   static_cast<std::uint32_t>(row))) < x;
}

// Deterministic: n = floor(x·T + 0.5) spikes spread evenly with phase 0,
// spike at step t iff floor((t+1)·n/T) > floor(t·n/T).
XBARMC_HD int deterministic_spike_count(float x, int timesteps) {
  return static_cast<int>(std::floor(static_cast<double>(x) * timesteps + 0.5));
}
XBARMC_HD bool deterministic_spike(float x, int timesteps, int t) {
  const long long n = deterministic_spike_count(x, timesteps);
  return (t + 1) * n / timesteps > t * n / timesteps;
}

// Direct: s = round(x·(2^d − 1))/(2^d − 1) every step (round half up), d = 0 → s = x.
XBARMC_HD float direct_level(float x, int dac_bits) {
  if (dac_bits == 0) return x;
  const double top = static_cast<double>((1u << dac_bits) - 1u);
  return static_cast<float>(std::floor(static_cast<double>(x) * top + 0.5) / top);
}

// The activation of one row at one step for any encoding.
XBARMC_HD float input_activation(const ReadoutParams& r, std::uint64_t seed,
                                 std::uint32_t image_id, int t, int row, float x) {
  switch (r.encoding) {
    case Encoding::kRate: return rate_spike(seed, image_id, t, row, x) ? 1.0f : 0.0f;
    case Encoding::kDeterministic: return deterministic_spike(x, r.timesteps, t) ? 1.0f : 0.0f;
    default: return direct_level(x, r.dac_bits);
  }
}

}  // namespace xbarmc
