// IR-drop, model `nodal`: chooses between the Jacobi sweeps and block elimination, and
// the cheaper orientation of the array for the chosen path.
//
// Orientation: seen from the other side, the bit lines (driven at the bottom) are word
// lines driven at their left end and the word lines (grounded at column 0) are bit lines
// grounded below their last row: G′[m−1−j][n−1−i] = G[i][j], r_wl′ = r_bl, r_bl′ = r_wl,
// and by reciprocity A′[m−1−j][n−1−i] = A[i][j]. The Jacobi path costs ~n·m² (one drive
// per column) and block elimination ~n·m³ + n²·m²/2 (blocks of one row), so a wide array
// (m > n) is solved flipped.
#pragma once

#include <cstddef>

#include "xbarmc/detail/irdrop_block_elimination.hpp"
#include "xbarmc/detail/irdrop_jacobi.hpp"
#include "xbarmc/hd.hpp"

namespace xbarmc::detail {

XBARMC_HD double block_elimination_cost(int n, int m) {
  const double dn = n, dm = m;
  return dn * dm * dm * dm + dn * dn * dm * dm / 2.0;
}
XBARMC_HD bool flip_for_block_elimination(int n, int m) {
  return block_elimination_cost(m, n) < block_elimination_cost(n, m);
}
XBARMC_HD bool flip_for_jacobi(int n, int m) {
  return m > n;
}

XBARMC_HD std::size_t nodal_scratch_doubles(int n, int m) {
  const bool flip_direct = flip_for_block_elimination(n, m);
  const bool flip_any = flip_direct || flip_for_jacobi(n, m);
  const std::size_t direct = block_elimination_scratch_doubles(flip_direct ? n : m);
  const std::size_t jacobi = jacobi_scratch_doubles(n, m);
  const std::size_t staging = flip_any ? 2 * static_cast<std::size_t>(n) * m : 0;
  return staging + (direct > jacobi ? direct : jacobi);
}

// y (m × n) = x (n × m) seen from the other side: y[m−1−j][n−1−i] = x[i][j].
XBARMC_HD void flip_transpose(const double* x, int n, int m, double* y) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) y[(m - 1 - j) * n + (n - 1 - i)] = x[i * m + j];
}

// Exact A_eff; scratch holds nodal_scratch_doubles(n, m) doubles.
XBARMC_HD void a_eff_nodal(const double* g, int n, int m, double r_wl, double r_bl, double* scratch,
                           double* a) {
  const bool jacobi = jacobi_contraction_bound(g, n, m, r_wl, r_bl) <= kJacobiMaxContraction;
  const bool flip = jacobi ? flip_for_jacobi(n, m) : flip_for_block_elimination(n, m);
  if (!flip) {
    if (jacobi)
      a_eff_jacobi(g, n, m, r_wl, r_bl, scratch, a);
    else
      a_eff_block_elimination(g, n, m, r_wl, r_bl, scratch, a);
    return;
  }
  const std::size_t cells = static_cast<std::size_t>(n) * m;
  double* g_flipped = scratch;
  double* a_flipped = scratch + cells;
  double* rest = scratch + 2 * cells;
  flip_transpose(g, n, m, g_flipped);
  if (jacobi)
    a_eff_jacobi(g_flipped, m, n, r_bl, r_wl, rest, a_flipped);
  else
    a_eff_block_elimination(g_flipped, m, n, r_bl, r_wl, rest, a_flipped);
  flip_transpose(a_flipped, m, n, a);  // flipping twice is the identity
}

}  // namespace xbarmc::detail
