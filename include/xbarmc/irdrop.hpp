// IR-drop (DESIGN §2.4): the wires of the crossbar turn the programmed conductances G
// into an effective transfer matrix A_eff (n_in × n_cols, S) with column currents
// I = Vᵀ·A_eff. The crossbar is a linear resistive network, so A_eff is exact by
// superposition and is computed once per chip and time, not per input.
//
// Topology (as the public tool badcrossbar): word line i is driven at its left end
// through one segment r_wl, neighbouring word-line nodes are one r_wl apart; cell (i,j)
// joins word-line node (i,j) to bit-line node (i,j); bit line j is open above row 0 and
// reaches a virtual ground below row n_in−1 through one segment r_bl; the output current
// of column j is the current into that ground. Indices are physical columns.
//
// Models:
//   none         A_eff = G.
//   first_order  node voltages from the wire drops of the ideal currents, then each
//                cell's current once: A_eff = G ∘ (1 − r_wl·G·M_wl − r_bl·M_bl·G)
//                (detail/irdrop_first_order.hpp); error O((r·G·size²)²).
//   nodal        the exact network solution, by one of two paths:
//     - Jacobi sweeps on the cell currents, when the wires couple the cells weakly
//       (bound ρ = r_wl·max_i Σ_j G_ij·(j+1) + r_bl·max_j Σ_i G_ij·(n_in−i) ≤ 1e−3,
//       e.g. any device of ≥ 10 MΩ with 1 Ω wires on a 64×20 array). ρ bounds the
//       contraction in the ℓ1 norm, so the error after a sweep is ≤ ρ/(1−ρ)·‖change‖₁;
//       sweeps stop when that bound is ≤ 1e−15·‖currents‖₁ (about 3 sweeps; ≤ 40).
//       Cost per sweep ~13·n_in·n_cols² flops (detail/irdrop_jacobi.hpp).
//     - otherwise block elimination of the bit-line voltages row by row, a direct
//       method with no convergence test (detail/irdrop_block_elimination.hpp).
//       Cost ~n_in·n_cols³ + n_in²·n_cols²/2 multiply-adds.
//     A wide array (n_cols > n_in) is solved seen from the other side, by reciprocity,
//     so that the small dimension sets the cost (detail/irdrop_nodal.hpp).
//   Measured on one core (benchmarks/bench_irdrop.cpp, 64×20, 1 Ω wires): ~7000 chips/s
//   for the seed's device (Jacobi), ~3000 chips/s for 10 kΩ–1 MΩ devices (direct).
//   Both agree with an independent sparse nodal solver to ≤ 1e−9 relative (tests).
//
// Usable from device code: no allocation, the caller passes `scratch` of
// a_eff_scratch_doubles(...) doubles (64×20: 2560 = 20 KB; 128×128: 256 KB), reused
// across chips.
// Deterministic: the same inputs give bit-identical A_eff on host and device
// (host -ffp-contract=off, nvcc --fmad=false).
#pragma once

#include <cstddef>

#include "xbarmc/detail/irdrop_first_order.hpp"
#include "xbarmc/detail/irdrop_nodal.hpp"
#include "xbarmc/hd.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc {

// Doubles of scratch compute_a_eff needs (0 for none and first_order).
XBARMC_HD std::size_t a_eff_scratch_doubles(IrDropModel model, int n_in, int n_cols) {
  return model == IrDropModel::kNodal ? detail::nodal_scratch_doubles(n_in, n_cols) : 0;
}

// A_eff [n_in × n_cols] (row-major, S) of conductances g_s [n_in × n_cols] (row-major, S).
// Preconditions (validated by the callers): g_s finite and ≥ 0, r_wl_ohm and r_bl_ohm
// finite and ≥ 0 (0 = ideal wire), a_eff_s does not alias g_s or scratch.
XBARMC_HD void compute_a_eff(IrDropModel model, const double* g_s, int n_in, int n_cols,
                             double r_wl_ohm, double r_bl_ohm, double* scratch, double* a_eff_s) {
  const int n = n_in * n_cols;
  if (model == IrDropModel::kNone || (r_wl_ohm == 0.0 && r_bl_ohm == 0.0)) {
    for (int e = 0; e < n; ++e) a_eff_s[e] = g_s[e];
    return;
  }
  if (model == IrDropModel::kFirstOrder) {
    detail::a_eff_first_order(g_s, n_in, n_cols, r_wl_ohm, r_bl_ohm, a_eff_s);
    return;
  }
  detail::a_eff_nodal(g_s, n_in, n_cols, r_wl_ohm, r_bl_ohm, scratch, a_eff_s);
}

}  // namespace xbarmc
