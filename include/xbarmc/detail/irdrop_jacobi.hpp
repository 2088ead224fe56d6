// IR-drop, model `nodal`, iterative path for weakly coupled arrays (high-resistance
// devices): Jacobi sweeps on the cell currents, one bit-line drive at a time.
//
// Reciprocity: the network is linear and reciprocal, so A_eff[i,j] (current into the
// ground of column j per volt on row i) equals the current that flows out into the
// (grounded) source of row i when the ground terminal of column j is driven at 1 V.
// That needs n_cols solves instead of n_in. For drive j, with C[i,j′] the current from
// bit-line node (i,j′) into word-line node (i,j′):
//   W[i,j′] = r_wl·Σ_j″ (min(j′,j″)+1)·C[i,j″]            (word lines drain to 0 V sources)
//   U[i,j′] = [j′ = j] − r_bl·Σ_i″ (n−max(i,i″))·C[i″,j′]   (bit lines fed from the bottom)
//   C ← G ∘ (U − W),   and at the end A_eff[i,j] = Σ_j′ C[i,j′].
// Start: the ideal currents C[i,j′] = G_ij·[j′ = j].
// Convergence: the sweep is a contraction in the ℓ1 norm with factor at most
//   ρ = r_wl·max_i Σ_j G_ij·(j+1) + r_bl·max_j Σ_i G_ij·(n−i)
// (each current feeds each node drop through at most that many segments), so after a
// sweep ‖C* − C‖₁ ≤ ρ/(1−ρ)·‖ΔC‖₁. Stop when that is ≤ kJacobiTolerance·‖C‖₁.
// Cost per sweep: ~13 flops per (drive, cell), n_cols²·n_in cells; ~3 sweeps at ρ ~ 1e−5.
#pragma once

#include <cstddef>

#include "xbarmc/hd.hpp"

namespace xbarmc::detail {

// Above this bound the direct path (block elimination) is cheaper than the sweeps.
constexpr double kJacobiMaxContraction = 1e-3;
constexpr double kJacobiTolerance = 1e-15;
constexpr int kJacobiMaxSweeps = 40;

XBARMC_HD std::size_t jacobi_scratch_doubles(int n_in, int n_cols) {
  return 2 * static_cast<std::size_t>(n_in) * static_cast<std::size_t>(n_cols);
}

XBARMC_HD double jacobi_contraction_bound(const double* g, int n_in, int n_cols, double r_wl,
                                          double r_bl) {
  double wl = 0.0, bl = 0.0;
  for (int i = 0; i < n_in; ++i) {
    double s = 0.0;
    for (int j = 0; j < n_cols; ++j) s += g[i * n_cols + j] * (j + 1);
    wl = s > wl ? s : wl;
  }
  for (int j = 0; j < n_cols; ++j) {
    double s = 0.0;
    for (int i = 0; i < n_in; ++i) s += g[i * n_cols + j] * (n_in - i);
    bl = s > bl ? s : bl;
  }
  return r_wl * wl + r_bl * bl;
}

// One sweep for drive column `drive`: c_new from c (n_in × n_cols each, may not alias).
// Returns ‖c_new − c‖₁ and adds ‖c_new‖₁ to *norm. Cells is double* or any type with
// double& operator[] (the GPU interleaves the drives' scratch, StridedDoubles).
template <class Cells>
XBARMC_HD double jacobi_sweep(const double* g, int n_in, int n_cols, double r_wl, double r_bl,
                              int drive, const Cells& c, const Cells& c_new, double* norm) {
  const int m = n_cols;
  // Bit-line term Σ_i″ (n−max(i,i″))·C[i″,j′]: prefix sums down, then suffix sums up,
  // kept in c_new.
  for (int j = 0; j < m; ++j) c_new[j] = c[j];
  for (int i = 1; i < n_in; ++i)
    for (int j = 0; j < m; ++j) c_new[i * m + j] = c_new[(i - 1) * m + j] + c[i * m + j];
  for (int i = n_in - 2; i >= 0; --i)
    for (int j = 0; j < m; ++j) c_new[i * m + j] += c_new[(i + 1) * m + j];
  double delta = 0.0, total_norm = 0.0;
  for (int i = 0; i < n_in; ++i) {
    const double* gi = g + i * m;
    const int row = i * m;
    // Word-line term Σ_j″ (min(j′,j″)+1)·C[i,j″] = Σ_{k≤j′} (row total − prefix before k).
    double total = 0.0;
    for (int j = 0; j < m; ++j) total += c[row + j];
    double prefix = 0.0, wl = 0.0;
    for (int j = 0; j < m; ++j) {
      const double cj = c[row + j];
      wl += total - prefix;
      prefix += cj;
      const double u = (j == drive ? 1.0 : 0.0) - r_bl * c_new[row + j];
      const double v = gi[j] * (u - r_wl * wl);
      const double d = v - cj;
      delta += d < 0.0 ? -d : d;
      total_norm += v < 0.0 ? -v : v;
      c_new[row + j] = v;
    }
  }
  *norm = total_norm;
  return delta;
}

// ρ/(1−ρ) of the contraction bound (1 when ρ ≥ 1): the stopping rule's factor.
XBARMC_HD double jacobi_stop_factor(const double* g, int n_in, int n_cols, double r_wl,
                                    double r_bl) {
  const double rho = jacobi_contraction_bound(g, n_in, n_cols, r_wl, r_bl);
  return rho < 1.0 ? rho / (1.0 - rho) : 1.0;
}

// Column `drive` of A_eff by Jacobi sweeps, with c and c_new (n_in·n_cols each) as
// scratch; drives are independent, so a GPU block runs them in parallel. Returns the
// sweeps it needed.
template <class Cells>
XBARMC_HD int jacobi_drive(const double* g, int n_in, int n_cols, double r_wl, double r_bl,
                           double factor, int drive, Cells c, Cells c_new, double* a) {
  const int m = n_cols;
  const int cells = n_in * m;
  for (int e = 0; e < cells; ++e) c[e] = 0.0;
  for (int i = 0; i < n_in; ++i) c[i * m + drive] = g[i * m + drive];
  int sweeps = 0;
  for (;;) {
    double norm = 0.0;
    const double delta = jacobi_sweep(g, n_in, m, r_wl, r_bl, drive, c, c_new, &norm);
    ++sweeps;
    Cells t = c;
    c = c_new;
    c_new = t;
    if (factor * delta <= kJacobiTolerance * norm || sweeps >= kJacobiMaxSweeps) break;
  }
  for (int i = 0; i < n_in; ++i) {
    double s = 0.0;
    for (int j = 0; j < m; ++j) s += c[i * m + j];
    a[i * m + drive] = s;
  }
  return sweeps;
}

// Floating-point operations of one jacobi_sweep, as written above (abs and compares not
// counted): bit-line prefix and suffix sums 2·(n_in−1)·n_cols, row totals n_in·n_cols,
// and 11 per cell (word-line term 3, u 2, v 3, the change and both norms 3).
XBARMC_HD double jacobi_sweep_flops(int n_in, int n_cols) {
  const double n = n_in, m = n_cols;
  return 2.0 * (n - 1.0) * m + n * m + 11.0 * n * m;
}

// A_eff by Jacobi sweeps; scratch holds jacobi_scratch_doubles(n_in, n_cols) doubles.
// Meant for jacobi_contraction_bound(...) ≤ kJacobiMaxContraction (converges for any ρ < 1).
// Returns the largest number of sweeps any drive needed; `total_sweeps` (if given)
// receives the sweeps of all drives together, the work done.
XBARMC_HD int a_eff_jacobi(const double* g, int n_in, int n_cols, double r_wl, double r_bl,
                           double* scratch, double* a, int* total_sweeps = nullptr) {
  const int cells = n_in * n_cols;
  const double factor = jacobi_stop_factor(g, n_in, n_cols, r_wl, r_bl);
  int max_sweeps = 0, all_sweeps = 0;
  for (int drive = 0; drive < n_cols; ++drive) {
    const int sweeps =
        jacobi_drive(g, n_in, n_cols, r_wl, r_bl, factor, drive, scratch, scratch + cells, a);
    max_sweeps = sweeps > max_sweeps ? sweeps : max_sweeps;
    all_sweeps += sweeps;
  }
  if (total_sweeps) *total_sweeps = all_sweeps;
  return max_sweeps;
}

}  // namespace xbarmc::detail
