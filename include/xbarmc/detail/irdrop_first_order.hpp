// IR-drop, model `first_order` (DESIGN §2.4): the node voltages that the ideal cell
// currents V_i·G_ij cause through the wires, then each cell's current once from them.
// Closed form, with physical column indices,
//   A_eff = G ∘ (1 − r_wl·G·M_wl − r_bl·M_bl·G),
//   M_wl[j′,j] = min(j,j′) + 1 (word-line segments shared by cells j and j′, counted
//   from the driven end), M_bl[i,i′] = n_in − max(i,i′) (bit-line segments shared by
//   rows i and i′ on their way to the virtual ground below row n_in − 1).
// Both products are prefix sums, so the cost is O(n_in·n_cols) and no scratch.
#pragma once

#include "xbarmc/hd.hpp"

namespace xbarmc::detail {

// a (n_in × n_cols, row-major) from g of the same shape; a must not alias g.
XBARMC_HD void a_eff_first_order(const double* g, int n_in, int n_cols, double r_wl, double r_bl,
                                 double* a) {
  const int m = n_cols;
  // (M_bl·G)[i,j] = Σ_{k≥i} p_kj with p_kj = Σ_{i′≤k} G_i′j: a prefix sum down each
  // bit line (rows in order), then a suffix sum of those, both kept in `a`.
  for (int j = 0; j < m; ++j) a[j] = g[j];
  for (int i = 1; i < n_in; ++i)
    for (int j = 0; j < m; ++j) a[i * m + j] = a[(i - 1) * m + j] + g[i * m + j];
  for (int i = n_in - 2; i >= 0; --i)
    for (int j = 0; j < m; ++j) a[i * m + j] += a[(i + 1) * m + j];
  // (G·M_wl)[i,j] = Σ_{k≤j} s_ik with s_ik = Σ_{j′≥k} G_ij′ = the current through word-line
  // segment k per volt: total minus the prefix before k.
  for (int i = 0; i < n_in; ++i) {
    const double* gi = g + i * m;
    double* ai = a + i * m;
    double total = 0.0;
    for (int j = 0; j < m; ++j) total += gi[j];
    double prefix = 0.0, wl = 0.0;
    for (int j = 0; j < m; ++j) {
      wl += total - prefix;
      prefix += gi[j];
      ai[j] = gi[j] * (1.0 - r_wl * wl - r_bl * ai[j]);
    }
  }
}

}  // namespace xbarmc::detail
