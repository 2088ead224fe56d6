// One chip instance (DESIGN §2.4): every cell is programmed from its target
// conductance through the chip's D2D factor, its own C2C variation and stuck-cell
// faults, in that order, and carries its own drift parameters (ν, ζ).
#pragma once

#include <cstdint>

#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/hd.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {

// Random keys (DESIGN §4); `chip` is the global chip index, `cell` = row·n_cols + physical
// column (the row-major index into G_target), so a cell's draws do not depend on which
// other chips or cells are simulated:
//   D2D factor ξ_chip  normal 0      of stream (seed, kChipFactor,  a = chip)
//   C2C ξ_cell         normal `cell` of stream (seed, kCellProgram, a = chip)
//   stuck u_cell       uniform word `cell` (uniform_double) of (seed, kStuckCell, a = chip)
//   drift ν            normal `cell` of stream (seed, kDriftNu,     a = chip)
//   drift spread ζ     normal `cell` of stream (seed, kDriftSpread, a = chip)
// Normals are stream_normal_double (Box–Muller in double). A draw whose σ (or p) is 0
// is skipped: its contribution would be exactly the identity anyway.

struct ProgrammedCell {
  double g_s = 0.0;    // conductance right after programming, ≥ 0
  double nu = 0.0;     // drift exponent, ≥ 0
  double zeta = 0.0;   // log-time spreading factor ζ_cell
  bool stuck = false;  // stuck cells keep g_s at all times
};

// The whole-chip factor exp(σ_d2d·ξ_chip).
XBARMC_HD double d2d_factor(const DeviceParams& p, std::uint64_t seed, std::uint32_t chip) {
  if (p.d2d_sigma == 0.0) return 1.0;
  const double xi = stream_normal_double(make_stream(seed, Purpose::kChipFactor, chip), 0);
  return detail::portable_exp(p.d2d_sigma * xi);
}

// The C2C factor of a normal ξ: lognormal exp(σ·ξ) or gaussian max(0, 1 + σ·ξ), so
// that the programmed conductance is G·f (for G ≥ 0 the same double as G·(1 + σ·ξ)
// clipped at 0).
XBARMC_HD double c2c_factor(C2cModel model, double sigma, double xi) {
  if (model == C2cModel::kLognormal) return detail::portable_exp(sigma * xi);
  const double f = 1.0 + sigma * xi;
  return f > 0.0 ? f : 0.0;
}

// C2C of the scalar σ: lognormal G·exp(σ·ξ) or gaussian max(0, G·(1 + σ·ξ)).
XBARMC_HD double apply_c2c(const DeviceParams& p, double g, double xi) {
  return g * c2c_factor(p.c2c_model, p.c2c_sigma, xi);
}

// The random draws one cell's programming uses (the keys above); a draw whose σ (or
// p) is 0 is never read, so its value does not matter.
struct CellDraws {
  double stuck_u = 0.0;  // uniform in [0, 1)
  double c2c_xi = 0.0;   // standard normal
  double nu_xi = 0.0;    // standard normal
  double zeta = 0.0;     // standard normal
};

// What write-verify did to one cell (DESIGN §2.8): pulses spent, and whether the last
// one still missed the tolerance. Stuck cells are not verified (pulses 0).
struct VerifyOutcome {
  int pulses = 0;
  bool failed = false;
};

// Write-verify of a C2C draw: attempt 1 is ξ (the unverified draw), attempt a > 1 draws
// normal `cell` of (seed, kVerifyAttempt, a = chip, b = a); the first attempt whose factor
// f has |f − 1| ≤ ε is kept, else the last (a failure). Returns the kept factor. D2D and
// A2A factors are not seen by the verify.
XBARMC_HD double verified_c2c_factor(const DeviceParams& p, double sigma, double xi,
                                     std::uint64_t seed, std::uint32_t chip, std::uint32_t cell,
                                     VerifyOutcome* v) {
  double f = c2c_factor(p.c2c_model, sigma, xi);
  int attempt = 1;
  while (!((f - 1.0 <= p.verify_tolerance) && (1.0 - f <= p.verify_tolerance)) &&
         attempt < p.verify_max_pulses) {
    ++attempt;
    const Stream s =
        make_stream(seed, Purpose::kVerifyAttempt, chip, static_cast<std::uint32_t>(attempt));
    f = c2c_factor(p.c2c_model, sigma, stream_normal_double(s, cell));
  }
  v->pulses = attempt;
  v->failed = !((f - 1.0 <= p.verify_tolerance) && (1.0 - f <= p.verify_tolerance));
  return f;
}

// G_target → D2D (and A2A: `factor`) → C2C → stuck (u < p_off → g_min; p_off ≤ u <
// p_off + p_on → g_max), with the cell's level statistics `st` (its target level's line
// of a measured table, else the scalars). No clamp to [g_min, g_max] after variation,
// only G ≥ 0. With write-verify on (p.verify) the C2C factor is verified_c2c_factor's
// and `v` (may be null when verify is off) receives its outcome.
XBARMC_HD ProgrammedCell program_level_cell(const DeviceParams& p, const LevelDevice& st,
                                            double g_target_s, double factor, double g_min_s,
                                            double g_max_s, const CellDraws& r, std::uint64_t seed,
                                            std::uint32_t chip, std::uint32_t cell,
                                            VerifyOutcome* v) {
  ProgrammedCell c;
  if (p.p_stuck_off > 0.0 || p.p_stuck_on > 0.0) {
    if (r.stuck_u < p.p_stuck_off) {
      c.g_s = g_min_s;
      c.stuck = true;
      return c;
    }
    if (r.stuck_u < p.p_stuck_off + p.p_stuck_on) {
      c.g_s = g_max_s;
      c.stuck = true;
      return c;
    }
  }
  double g = g_target_s * factor;
  if (st.c2c_sigma != 0.0) {
    g = g * (p.verify ? verified_c2c_factor(p, st.c2c_sigma, r.c2c_xi, seed, chip, cell, v)
                      : c2c_factor(p.c2c_model, st.c2c_sigma, r.c2c_xi));
  } else if (p.verify) {
    *v = VerifyOutcome{1, false};  // an exact cell passes its first verify
  }
  c.g_s = g;
  if (st.nu_std != 0.0) {
    const double nu = st.nu_mean + st.nu_std * r.nu_xi;
    c.nu = nu > 0.0 ? nu : 0.0;
  } else {
    c.nu = st.nu_mean > 0.0 ? st.nu_mean : 0.0;
  }
  if (p.drift_spread != 0.0) c.zeta = r.zeta;
  return c;
}

// program_level_cell with the scalar statistics and no write-verify: the one-layer chip.
XBARMC_HD ProgrammedCell program_cell_from_draws(const DeviceParams& p, double g_target_s,
                                                 double factor, double g_min_s, double g_max_s,
                                                 const CellDraws& r) {
  DeviceParams q = p;
  q.verify = false;
  return program_level_cell(q, scalar_level_device(p), g_target_s, factor, g_min_s, g_max_s, r, 0,
                            0, 0, nullptr);
}

// The draws of cell `cell` of chip `chip`, one at a time (a vectorised engine may draw
// several cells per Philox block instead: the same values).
XBARMC_HD CellDraws cell_draws(const DeviceParams& p, std::uint64_t seed, std::uint32_t chip,
                               std::uint32_t cell) {
  CellDraws r;
  if (p.p_stuck_off > 0.0 || p.p_stuck_on > 0.0) {
    r.stuck_u = stream_uniform_double(make_stream(seed, Purpose::kStuckCell, chip), cell);
  }
  if (p.c2c_sigma != 0.0) {
    r.c2c_xi = stream_normal_double(make_stream(seed, Purpose::kCellProgram, chip), cell);
  }
  if (p.nu_std != 0.0) {
    r.nu_xi = stream_normal_double(make_stream(seed, Purpose::kDriftNu, chip), cell);
  }
  if (p.drift_spread != 0.0) {
    r.zeta = stream_normal_double(make_stream(seed, Purpose::kDriftSpread, chip), cell);
  }
  return r;
}

XBARMC_HD ProgrammedCell program_cell(const DeviceParams& p, double g_target_s, double d2d,
                                      double g_min_s, double g_max_s, std::uint64_t seed,
                                      std::uint32_t chip, std::uint32_t cell) {
  return program_cell_from_draws(p, g_target_s, d2d, g_min_s, g_max_s,
                                 cell_draws(p, seed, chip, cell));
}

}  // namespace xbarmc
