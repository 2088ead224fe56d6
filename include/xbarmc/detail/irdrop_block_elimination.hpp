// IR-drop, model `nodal`, direct path: exact nodal analysis by block elimination of
// the bit-line voltages, one word line (row) at a time. Works for any conductances;
// used when the wires couple the cells strongly (low-resistance devices).
//
// Unknowns per row k: word-line voltages W_k and bit-line voltages U_k (n_cols each).
// Word line k is the tridiagonal system T_k·W_k = g_wl·V_k·e_0 + diag(G_k)·U_k, with
// T_k = tridiag(−g_wl; g_wl·(1 + [j < m−1]) + G_kj; −g_wl) (a segment towards the source
// always, one towards the next cell except at the open end). Eliminating W_k leaves the
// bit-line equations as a block-tridiagonal system with diagonal coupling −g_bl·I:
//   D_k·U_k − g_bl·U_{k−1} − g_bl·U_{k+1} = β_k·V_k,
//   D_k = diag(G_k) + c_k·g_bl·I − diag(G_k)·T_k⁻¹·diag(G_k),   β_k = g_wl·G_k ∘ T_k⁻¹e_0,
// c_0 = 1 (bit lines open above row 0), c_k = 2 below; the segment under row n−1 goes to
// the virtual ground, so the output currents are I = g_bl·U_{n−1}.
// Forward elimination from row 0: S_0 = D_0, S_k = D_k − g_bl²·S_{k−1}⁻¹, and the
// right-hand side of a unit input on row i is carried down as y_i ← g_bl·S_k⁻¹·y_i.
// At the bottom U_{n−1} = S_{n−1}⁻¹·y_i, so row i of A_eff is g_bl·S_{n−1}⁻¹·y_i.
// S_k is a Schur complement of the (symmetric, diagonally dominant M-matrix) nodal
// matrix, hence itself one: Gauss–Jordan inversion without pivoting is stable.
// Cost (m = n_cols, n = n_in): n·m³ multiply-adds for the inversions plus m²·n²/2 for
// carrying the inputs; 64×20: ~1.3 M. No iteration, so no convergence test.
#pragma once

#include <cstddef>

#include "xbarmc/hd.hpp"

namespace xbarmc::detail {

XBARMC_HD std::size_t block_elimination_scratch_doubles(int n_cols) {
  const std::size_t m = static_cast<std::size_t>(n_cols);
  return m * m + 4 * m;
}

// Word line of one row: s −= diag(G)·T⁻¹·diag(G) (m×m, row-major) and beta = g_wl·G∘T⁻¹e_0.
// T = L·diag(d)·Lᵀ with pivots d_j = a_j − g²/d_{j−1}; column k of T⁻¹ by one forward and
// one backward sweep, using q_j = g/d_j. Only the lower triangle is solved (T⁻¹ symmetric).
// r_wl = 0 (g_wl = ∞): W_k = V_k exactly, nothing to subtract and beta = G.
XBARMC_HD void word_line_elimination(const double* g_row, int m, double r_wl, double* s,
                                     double* beta, double* inv_d, double* q, double* x) {
  if (r_wl == 0.0) {
    for (int j = 0; j < m; ++j) beta[j] = g_row[j];
    return;
  }
  const double g = 1.0 / r_wl;
  double d_prev = 0.0;
  for (int j = 0; j < m; ++j) {
    const double a = (j + 1 < m ? 2.0 * g : g) + g_row[j];
    const double d = j == 0 ? a : a - g * (g / d_prev);
    inv_d[j] = 1.0 / d;
    q[j] = g / d;
    d_prev = d;
  }
  for (int k = 0; k < m; ++k) {
    // Forward: z_k = 1, z_j = q_{j−1}·z_{j−1}; stored in x[k..m−1].
    x[k] = 1.0;
    for (int j = k + 1; j < m; ++j) x[j] = q[j - 1] * x[j - 1];
    // Backward: x_{m−1} = z_{m−1}/d_{m−1}, x_j = z_j/d_j + q_j·x_{j+1}.
    x[m - 1] *= inv_d[m - 1];
    for (int j = m - 2; j >= k; --j) x[j] = x[j] * inv_d[j] + q[j] * x[j + 1];
    const double gk = g_row[k];
    for (int j = k; j < m; ++j) {
      const double h = g_row[j] * x[j] * gk;
      s[j * m + k] -= h;
      if (j != k) s[k * m + j] -= h;
    }
    if (k == 0)
      for (int j = 0; j < m; ++j) beta[j] = g * g_row[j] * x[j];
  }
}

// In-place inverse of an m×m diagonally dominant M-matrix by Gauss–Jordan pivoting on
// the diagonal: a_pp ← 1/a_pp, a_pk ← a_pk/a_pp, a_ik ← a_ik − a_ip·a_pk/a_pp, a_ip ← −a_ip/a_pp.
XBARMC_HD void invert_in_place(double* a, int m) {
  for (int p = 0; p < m; ++p) {
    double* ap = a + p * m;
    const double inv = 1.0 / ap[p];
    for (int k = 0; k < m; ++k) ap[k] *= inv;
    ap[p] = inv;
    for (int i = 0; i < m; ++i) {
      if (i == p) continue;
      double* ai = a + i * m;
      const double f = ai[p];
      if (f == 0.0) continue;
      for (int k = 0; k < m; ++k) ai[k] -= f * ap[k];
      ai[p] = -f * inv;
    }
  }
}

// y ← f·y for a symmetric m×m f (columns read as rows, so the inner loop is contiguous).
XBARMC_HD void symmetric_matvec_in_place(const double* f, int m, double* y, double* tmp) {
  for (int j = 0; j < m; ++j) tmp[j] = 0.0;
  for (int l = 0; l < m; ++l) {
    const double yl = y[l];
    const double* fl = f + l * m;
    for (int j = 0; j < m; ++j) tmp[j] += fl[j] * yl;
  }
  for (int j = 0; j < m; ++j) y[j] = tmp[j];
}

// A_eff (n_in × n_cols, row-major) by block elimination; scratch holds
// block_elimination_scratch_doubles(n_cols) doubles. Requires G ≥ 0, r_wl ≥ 0, r_bl ≥ 0.
XBARMC_HD void a_eff_block_elimination(const double* g, int n_in, int n_cols, double r_wl,
                                       double r_bl, double* scratch, double* a) {
  const int m = n_cols;
  double* f = scratch;  // S_k, inverted in place into S_k⁻¹ (then scaled by g_bl)
  double* inv_d = f + m * m;
  double* q = inv_d + m;
  double* x = q + m;
  double* tmp = x + m;
  if (r_bl == 0.0) {
    // Bit lines at 0 V: each row alone, I = G∘W with W from its word line.
    for (int i = 0; i < n_in; ++i)
      word_line_elimination(g + i * m, m, r_wl, f, a + i * m, inv_d, q, x);
    return;
  }
  const double g_bl = 1.0 / r_bl;
  for (int k = 0; k < n_in; ++k) {
    if (k == 0) {
      for (int e = 0; e < m * m; ++e) f[e] = 0.0;
    } else {
      // f = g_bl·S_{k−1}⁻¹ carries the earlier inputs down one row; S_k = D_k − g_bl·f.
      for (int i = 0; i < k; ++i) symmetric_matvec_in_place(f, m, a + i * m, tmp);
      for (int e = 0; e < m * m; ++e) f[e] *= -g_bl;
    }
    const double* gk = g + k * m;
    const double c = k == 0 ? g_bl : 2.0 * g_bl;
    for (int j = 0; j < m; ++j) f[j * m + j] += gk[j] + c;
    word_line_elimination(gk, m, r_wl, f, a + k * m, inv_d, q, x);
    invert_in_place(f, m);
    for (int e = 0; e < m * m; ++e) f[e] *= g_bl;
  }
  // Row i of A_eff = g_bl·S_{n−1}⁻¹·y_i.
  for (int i = 0; i < n_in; ++i) symmetric_matvec_in_place(f, m, a + i * m, tmp);
}

}  // namespace xbarmc::detail
