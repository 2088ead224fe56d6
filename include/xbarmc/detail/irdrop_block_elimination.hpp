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
// matrix, hence itself one: inversion by the symmetric sweep operator without pivoting
// is stable. Cost (m = n_cols, n = n_in): n·m³/2 multiply-adds for the inversions plus
// m²·n²/2 for carrying the inputs; 64×20: ~1.1 M. No iteration, no convergence test.
// Scratch: m² + 4m doubles.
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

// In-place inverse of a symmetric m×m diagonally dominant M-matrix by the sweep operator
// (Gauss–Jordan on the diagonal, kept symmetric): pivoting on p maps
//   a_pp ← −1/a_pp,  a_pk ← a_pk/a_pp,  a_ik ← a_ik − a_ip·a_pk/a_pp   (i, k ≠ p),
// and after every pivot the matrix holds −A⁻¹. Only the upper triangle is updated
// (m³/2 multiply-adds); t holds row p read from it. On return a = A⁻¹, both triangles.
XBARMC_HD void invert_in_place(double* a, int m, double* t) {
  for (int p = 0; p < m; ++p) {
    for (int k = 0; k < m; ++k) t[k] = k < p ? a[k * m + p] : a[p * m + k];
    const double inv = 1.0 / t[p];
    for (int i = 0; i < m; ++i) {
      if (i == p) continue;
      const double s = t[i] * inv;
      double* ai = a + i * m;
      for (int k = i; k < m; ++k) ai[k] -= s * t[k];
    }
    for (int k = 0; k < m; ++k) {
      if (k < p) a[k * m + p] = t[k] * inv;
      if (k > p) a[p * m + k] = t[k] * inv;
    }
    a[p * m + p] = -inv;
  }
  for (int i = 0; i < m; ++i)
    for (int k = i; k < m; ++k) {
      const double v = -a[i * m + k];
      a[i * m + k] = v;
      a[k * m + i] = v;
    }
}

// y_i ← f·y_i for rows i < rows of y (each m long), f symmetric m×m:
// (f·y)_j = Σ_l f[l][j]·y_l, summed in l order. Two rows and four outputs at a time keep
// eight sums in registers, so each f element loaded serves two rows. tmp: 2·m doubles.
XBARMC_HD void carry_inputs(const double* f, int m, double* y, int rows, double* tmp) {
  int i = 0;
  for (; i + 2 <= rows; i += 2) {
    const double* ya = y + i * m;
    const double* yb = ya + m;
    int j = 0;
    for (; j + 4 <= m; j += 4) {
      double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0;
      for (int l = 0; l < m; ++l) {
        const double* fl = f + l * m + j;
        const double yal = ya[l], ybl = yb[l];
        a0 += fl[0] * yal;
        a1 += fl[1] * yal;
        a2 += fl[2] * yal;
        a3 += fl[3] * yal;
        b0 += fl[0] * ybl;
        b1 += fl[1] * ybl;
        b2 += fl[2] * ybl;
        b3 += fl[3] * ybl;
      }
      double* ta = tmp + j;
      double* tb = tmp + m + j;
      ta[0] = a0;
      ta[1] = a1;
      ta[2] = a2;
      ta[3] = a3;
      tb[0] = b0;
      tb[1] = b1;
      tb[2] = b2;
      tb[3] = b3;
    }
    for (; j < m; ++j) {
      double a0 = 0.0, b0 = 0.0;
      for (int l = 0; l < m; ++l) {
        a0 += f[l * m + j] * ya[l];
        b0 += f[l * m + j] * yb[l];
      }
      tmp[j] = a0;
      tmp[m + j] = b0;
    }
    for (int k = 0; k < 2 * m; ++k) y[i * m + k] = tmp[k];
  }
  if (i < rows) {  // an odd last row
    double* yi = y + i * m;
    for (int j = 0; j < m; ++j) {
      double s0 = 0.0;
      for (int l = 0; l < m; ++l) s0 += f[l * m + j] * yi[l];
      tmp[j] = s0;
    }
    for (int k = 0; k < m; ++k) yi[k] = tmp[k];
  }
}

// A_eff (n_in × n_cols, row-major) by block elimination; scratch holds
// block_elimination_scratch_doubles(n_cols) doubles. Requires G ≥ 0, r_wl ≥ 0, r_bl ≥ 0.
XBARMC_HD void a_eff_block_elimination(const double* g, int n_in, int n_cols, double r_wl,
                                       double r_bl, double* scratch, double* a) {
  const int m = n_cols;
  double* f = scratch;  // S_k, inverted in place into S_k⁻¹ (then scaled by g_bl)
  double* inv_d = f + m * m;
  double* q = inv_d + m;
  double* x = q + m;  // m doubles, with tmp also the 2·m of carry_inputs
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
      carry_inputs(f, m, a, k, x);
      for (int e = 0; e < m * m; ++e) f[e] *= -g_bl;
    }
    const double* gk = g + k * m;
    const double c = k == 0 ? g_bl : 2.0 * g_bl;
    for (int j = 0; j < m; ++j) f[j * m + j] += gk[j] + c;
    word_line_elimination(gk, m, r_wl, f, a + k * m, inv_d, q, x);
    invert_in_place(f, m, tmp);
    for (int e = 0; e < m * m; ++e) f[e] *= g_bl;
  }
  // Row i of A_eff = g_bl·S_{n−1}⁻¹·y_i.
  carry_inputs(f, m, a, n_in, x);
}

}  // namespace xbarmc::detail
