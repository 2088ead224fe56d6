// Conductance drift after programming (DESIGN §2.4): a per-cell power law with an
// optional log-time spreading term for RRAM relaxation, and the chip's global
// drift-compensation gain.
#pragma once

#include "xbarmc/chip.hpp"
#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/hd.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc {

// G(t) = G_prog·(t/t0)^(−ν)·max(0, 1 + ρ·ln(t/t0)·ζ). Drift is measured from t0: for
// t ≤ t0 the cell reads G_prog (so t = 0, "right after programming", is valid). Stuck
// cells never drift. The power is exp(−ν·ln(t/t0)) through portable_math, so both
// backends agree bit for bit.
XBARMC_HD double drifted_conductance(const DeviceParams& p, const ProgrammedCell& c, double t_s) {
  if (c.stuck || !(t_s > p.t0_s)) return c.g_s;
  const double log_ratio = detail::portable_log(t_s / p.t0_s);
  double g = c.g_s;
  if (c.nu != 0.0) g *= detail::portable_exp(-c.nu * log_ratio);
  if (p.drift_spread != 0.0) {
    const double spread = 1.0 + p.drift_spread * log_ratio * c.zeta;
    g *= spread > 0.0 ? spread : 0.0;
  }
  return g;
}

// Global compensation (one digital gain per chip and time): gain = Σ A_eff(t0) / Σ A_eff(t),
// a noise-free all-ones read right after programming and at t. xbarmc applies it by
// multiplying the digital diff after the ADC (diff·gain enters the neuron), not by
// scaling θ. A chip that reads nothing at t (Σ = 0) gets gain 1.
XBARMC_HD double compensation_gain(double sum_a_eff_t0, double sum_a_eff_t) {
  return sum_a_eff_t > 0.0 ? sum_a_eff_t0 / sum_a_eff_t : 1.0;
}

}  // namespace xbarmc
