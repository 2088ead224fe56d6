// Integrate-and-fire output neurons (DESIGN §2.5) and the prediction rule. State is
// float, like the ADC codes feeding it: v₀ = 0, v = β·v + diff each step, at most one
// spike per step when v ≥ θ, then reset by subtraction (v −= θ) or to zero.
#pragma once

#include <cstdint>

#include "xbarmc/hd.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc {

// One step of one neuron; returns whether it spiked.
XBARMC_HD bool if_step(float* v, float diff, float leak, float threshold, Reset reset) {
  float x = leak * *v + diff;
  const bool spike = x >= threshold;
  if (spike) x = reset == Reset::kSubtract ? x - threshold : 0.0f;
  *v = x;
  return spike;
}

// argmax of spike counts; ties → larger final membrane potential, then the lower index.
XBARMC_HD int predict_class(const std::uint32_t* counts, const float* v_final, int n_out) {
  int best = 0;
  for (int j = 1; j < n_out; ++j) {
    if (counts[j] > counts[best] || (counts[j] == counts[best] && v_final[j] > v_final[best])) {
      best = j;
    }
  }
  return best;
}

// "No spike at all": no output neuron fired during the whole presentation.
XBARMC_HD bool no_output_spike(const std::uint32_t* counts, int n_out) {
  for (int j = 0; j < n_out; ++j) {
    if (counts[j] != 0) return false;
  }
  return true;
}

}  // namespace xbarmc
