// IR-drop models (include/xbarmc/irdrop.hpp) against hand-derived closed forms and the
// independent nodal solvers of tests/nodal_reference.hpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "nodal_reference.hpp"
#include "xbarmc/irdrop.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

using Matrix = std::vector<double>;

// G log-uniform between 1/r_hi and 1/r_lo (the spread of a real level table), drawn
// from the project's counter-based generator so every run sees the same arrays.
Matrix random_conductances(int n, int m, double r_lo, double r_hi, std::uint32_t key) {
  const Stream s = make_stream(20261124, Purpose::kCellProgram, key);
  Matrix g(static_cast<std::size_t>(n) * m);
  for (std::size_t e = 0; e < g.size(); ++e) {
    const double u = stream_uniform_double(s, static_cast<std::uint32_t>(e));
    g[e] = 1.0 / std::exp(std::log(r_lo) + u * (std::log(r_hi) - std::log(r_lo)));
  }
  return g;
}

Matrix solve(IrDropModel model, const Matrix& g, int n, int m, double r_wl, double r_bl) {
  std::vector<double> scratch(a_eff_scratch_doubles(model, n, m));
  Matrix a(g.size());
  compute_a_eff(model, g.data(), n, m, r_wl, r_bl, scratch.data(), a.data());
  return a;
}

Matrix solve_direct(const Matrix& g, int n, int m, double r_wl, double r_bl) {
  std::vector<double> scratch(detail::block_elimination_scratch_doubles(m));
  Matrix a(g.size());
  detail::a_eff_block_elimination(g.data(), n, m, r_wl, r_bl, scratch.data(), a.data());
  return a;
}

Matrix solve_jacobi(const Matrix& g, int n, int m, double r_wl, double r_bl, int* sweeps = nullptr,
                    int* total_sweeps = nullptr) {
  std::vector<double> scratch(detail::jacobi_scratch_doubles(n, m));
  Matrix a(g.size());
  const int s =
      detail::a_eff_jacobi(g.data(), n, m, r_wl, r_bl, scratch.data(), a.data(), total_sweeps);
  if (sweeps) *sweeps = s;
  return a;
}

// Largest entry-wise relative difference |a − b|/|b|.
double max_relative_error(const Matrix& a, const Matrix& b) {
  double worst = 0.0;
  for (std::size_t e = 0; e < a.size(); ++e)
    worst = std::max(worst, std::abs(a[e] - b[e]) / std::abs(b[e]));
  return worst;
}

// Largest difference relative to the largest entry of b.
double max_normwise_error(const Matrix& a, const Matrix& b) {
  double worst = 0.0, scale = 0.0;
  for (std::size_t e = 0; e < a.size(); ++e) {
    worst = std::max(worst, std::abs(a[e] - b[e]));
    scale = std::max(scale, std::abs(b[e]));
  }
  return worst / scale;
}

TEST(IrDrop, NoneIsTheProgrammedConductance) {
  const Matrix g = random_conductances(8, 6, 1e4, 1e6, 1);
  EXPECT_EQ(solve(IrDropModel::kNone, g, 8, 6, 5.0, 5.0), g);
}

TEST(IrDrop, ZeroWireResistanceGivesG) {
  // Ideal wires: every word-line node sits at V_i, every bit-line node at 0 V, so each
  // cell carries V_i·G_ij and I = Vᵀ·G exactly.
  const Matrix g = random_conductances(9, 7, 1e3, 1e5, 2);
  EXPECT_EQ(solve(IrDropModel::kFirstOrder, g, 9, 7, 0.0, 0.0), g);
  EXPECT_EQ(solve(IrDropModel::kNodal, g, 9, 7, 0.0, 0.0), g);
  EXPECT_EQ(solve_direct(g, 9, 7, 0.0, 0.0), g);
  EXPECT_EQ(solve_jacobi(g, 9, 7, 0.0, 0.0), g);
}

TEST(IrDrop, SingleCellIsASeriesCircuit) {
  // 1×1: source —r_wl— cell G —r_bl— ground, three resistors in series:
  // I = V/(r_wl + 1/G + r_bl), so A = G/(1 + G·(r_wl + r_bl)); first order is its
  // Taylor term G·(1 − G·r_wl − G·r_bl) (M_wl = M_bl = [1]).
  for (double r_cell : {1e3, 2.34e8, 4.18e11}) {
    const Matrix g{1.0 / r_cell};
    const double r_wl = 7.0, r_bl = 3.0;
    const double exact = g[0] / (1.0 + g[0] * (r_wl + r_bl));
    EXPECT_NEAR(solve(IrDropModel::kNodal, g, 1, 1, r_wl, r_bl)[0], exact, 1e-15 * exact);
    EXPECT_NEAR(solve_direct(g, 1, 1, r_wl, r_bl)[0], exact, 1e-15 * exact);
    EXPECT_NEAR(solve_jacobi(g, 1, 1, r_wl, r_bl)[0], exact, 1e-15 * exact);
    const double taylor = g[0] * (1.0 - g[0] * r_wl - g[0] * r_bl);
    EXPECT_NEAR(solve(IrDropModel::kFirstOrder, g, 1, 1, r_wl, r_bl)[0], taylor, 1e-15 * exact);
  }
}

// A uniform ladder of n nodes, one segment of conductance g_wire apart, driven at node −1
// (1 V) through one segment, open at the far end, a shunt g_shunt to 0 V at every node.
// KCL inside: g_wire·(v_{k−1} − 2v_k + v_{k+1}) = g_shunt·v_k, so v_k = a·λ^k + b·λ^−k with
// λ + 1/λ = 2 + g_shunt/g_wire, i.e. cosh θ = 1 + g_shunt/(2·g_wire). The open end reads as
// a mirror node v_n = v_{n−1}, so v is symmetric about k = n − ½: v_k = C·cosh(θ(n − ½ − k));
// v_{−1} = 1 gives C = 1/cosh(θ(n + ½)). θ = 2·asinh(√(g_shunt/(4·g_wire))) is the same
// angle (cosh θ = 1 + 2·sinh²(θ/2)) without the rounding of acosh near 1.
double ladder_voltage(int n, int k, double g_wire, double g_shunt) {
  const double theta = 2.0 * std::asinh(std::sqrt(g_shunt / (4.0 * g_wire)));
  return std::cosh(theta * (n - 0.5 - k)) / std::cosh(theta * (n + 0.5));
}

TEST(IrDrop, SingleRowIsAWordLineLadder) {
  // 1×n: every bit line is one segment r_bl to ground, so cell j plus its bit line is a
  // shunt G′ = G/(1 + G·r_bl) from word-line node j; A[0,j] = G′·v_j of the ladder.
  const int m = 20;
  const double g_cell = 1e-3, r_wl = 2.0, r_bl = 0.5;
  const double g_shunt = g_cell / (1.0 + g_cell * r_bl);
  const Matrix g(m, g_cell);
  for (const Matrix& a : {solve(IrDropModel::kNodal, g, 1, m, r_wl, r_bl),
                          solve_direct(g, 1, m, r_wl, r_bl), solve_jacobi(g, 1, m, r_wl, r_bl)}) {
    for (int j = 0; j < m; ++j) {
      const double exact = g_shunt * ladder_voltage(m, j, 1.0 / r_wl, g_shunt);
      EXPECT_NEAR(a[j], exact, 1e-13 * exact) << "column " << j;
    }
  }
}

TEST(IrDrop, SingleColumnIsABitLineLadder) {
  // n×1: each row is r_wl in series with its cell, G″ = G/(1 + G·r_wl), into bit-line node
  // i. By reciprocity A[i,0] = G″·(voltage of node i when the ground terminal is driven
  // at 1 V): the same ladder counted from the bottom, k = n − 1 − i.
  const int n = 64;
  const double g_cell = 2e-4, r_wl = 0.5, r_bl = 1.0;  // Jacobi bound ρ ≈ 0.4 < 1
  const double g_series = g_cell / (1.0 + g_cell * r_wl);
  const Matrix g(n, g_cell);
  for (const Matrix& a : {solve(IrDropModel::kNodal, g, n, 1, r_wl, r_bl),
                          solve_direct(g, n, 1, r_wl, r_bl), solve_jacobi(g, n, 1, r_wl, r_bl)}) {
    for (int i = 0; i < n; ++i) {
      const double exact = g_series * ladder_voltage(n, n - 1 - i, 1.0 / r_bl, g_series);
      EXPECT_NEAR(a[i], exact, 1e-13 * exact) << "row " << i;
    }
  }
}

TEST(IrDrop, IdealBitLinesLeaveIndependentWordLines) {
  // r_bl = 0: bit lines at 0 V, each row is its own ladder; with a uniform row the
  // cosh closed form applies with G′ = G.
  const int n = 3, m = 16;
  const double r_wl = 1.5;
  Matrix g(static_cast<std::size_t>(n) * m);
  const double row_g[n] = {1e-3, 1e-4, 1e-6};
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) g[i * m + j] = row_g[i];
  for (const Matrix& a : {solve(IrDropModel::kNodal, g, n, m, r_wl, 0.0),
                          solve_direct(g, n, m, r_wl, 0.0), solve_jacobi(g, n, m, r_wl, 0.0)}) {
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j) {
        const double exact = row_g[i] * ladder_voltage(m, j, 1.0 / r_wl, row_g[i]);
        EXPECT_NEAR(a[i * m + j], exact, 1e-13 * exact) << i << "," << j;
      }
  }
}

TEST(IrDrop, IdealWordLinesLeaveIndependentBitLines) {
  // r_wl = 0: word-line nodes at V_i, each column is its own bit-line ladder (G″ = G).
  const int n = 32, m = 2;
  const double r_bl = 2.0, col_g[m] = {5e-4, 3e-6};
  Matrix g(static_cast<std::size_t>(n) * m);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) g[i * m + j] = col_g[j];
  for (const Matrix& a : {solve(IrDropModel::kNodal, g, n, m, 0.0, r_bl),
                          solve_direct(g, n, m, 0.0, r_bl), solve_jacobi(g, n, m, 0.0, r_bl)}) {
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j) {
        const double exact = col_g[j] * ladder_voltage(n, n - 1 - i, 1.0 / r_bl, col_g[j]);
        EXPECT_NEAR(a[i * m + j], exact, 1e-13 * exact) << i << "," << j;
      }
  }
}

TEST(IrDrop, ReferenceSolversAgreeOnASmallNetwork) {
  // The two references (sparse nodal, dense MNA with explicit sources and ammeters)
  // share only the netlist; they check each other before checking the solver.
  const int n = 4, m = 5;
  const Matrix g = random_conductances(n, m, 1e2, 1e4, 3);
  const Matrix mna = test::reference_a_eff_mna_dense(g, n, m, 3.0, 7.0);
  const Matrix sparse = test::reference_a_eff_sparse(g, n, m, 3.0, 7.0);
  EXPECT_LT(max_relative_error(sparse, mna), 1e-12);
}

TEST(IrDrop, NodalMatchesADenseSolveOfASmallNetwork) {
  // 3×4 with strong coupling (100 Ω–10 kΩ cells, 3 Ω and 7 Ω wires: A differs from G
  // by tens of percent) and with weak coupling (the Jacobi path).
  const int n = 3, m = 4;
  for (double r_lo : {1e2, 1e7}) {
    const Matrix g = random_conductances(n, m, r_lo, 100.0 * r_lo, 4);
    const Matrix mna = test::reference_a_eff_mna_dense(g, n, m, 3.0, 7.0);
    EXPECT_LT(max_relative_error(solve(IrDropModel::kNodal, g, n, m, 3.0, 7.0), mna), 1e-12);
    EXPECT_LT(max_relative_error(solve_direct(g, n, m, 3.0, 7.0), mna), 1e-12);
    EXPECT_LT(max_relative_error(solve_jacobi(g, n, m, 3.0, 7.0), mna), 1e-12);
  }
}

struct SizeCase {
  int n_in, n_cols;
  double r_lo, r_hi;  // device resistance range, Ω
  double r_wire;      // r_wl = r_bl, Ω
};

std::string case_name(const testing::TestParamInfo<SizeCase>& info) {
  const SizeCase& c = info.param;
  return std::to_string(c.n_in) + "x" + std::to_string(c.n_cols) + "_R" +
         std::to_string(static_cast<long long>(std::log10(c.r_lo))) + "to" +
         std::to_string(static_cast<long long>(std::log10(c.r_hi)));
}

class NodalAgainstReference : public testing::TestWithParam<SizeCase> {};

TEST_P(NodalAgainstReference, AgreesToOnePartInABillion) {
  const SizeCase c = GetParam();
  const Matrix g = random_conductances(c.n_in, c.n_cols, c.r_lo, c.r_hi, 5);
  const Matrix ref = test::reference_a_eff_sparse(g, c.n_in, c.n_cols, c.r_wire, c.r_wire);
  const Matrix a = solve(IrDropModel::kNodal, g, c.n_in, c.n_cols, c.r_wire, c.r_wire);
  EXPECT_LT(max_relative_error(a, ref), 1e-9);
  // The direct path is exact for every coupling, so it is checked everywhere.
  EXPECT_LT(max_relative_error(solve_direct(g, c.n_in, c.n_cols, c.r_wire, c.r_wire), ref), 1e-9);
  // And the IR-drop itself (A − G), not just A, where it is large enough to resolve.
  Matrix drop_a(g.size()), drop_ref(g.size());
  for (std::size_t e = 0; e < g.size(); ++e) {
    drop_a[e] = g[e] - a[e];
    drop_ref[e] = g[e] - ref[e];
  }
  EXPECT_LT(max_normwise_error(drop_a, drop_ref), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    IrDrop, NodalAgainstReference,
    testing::Values(SizeCase{8, 6, 1e3, 1e5, 1.0},           // strong coupling
                    SizeCase{64, 20, 2.34e8, 4.18e11, 1.0},  // the seed's device
                    SizeCase{64, 20, 1e4, 1e6, 1.0},         // low-resistance device
                    SizeCase{64, 20, 1e3, 1e4, 1.0},         // kΩ: A far from G
                    SizeCase{128, 128, 1e3, 1e5, 1.0},       // large array, strong coupling
                    SizeCase{128, 128, 1e9, 4e11, 1.0},      // large array, 100s of GΩ
                    SizeCase{16, 8, 1e2, 1e4, 1e6},          // wires far above the cells
                    SizeCase{8, 40, 1e3, 1e5, 1.0},          // wide: solved flipped (direct)
                    SizeCase{6, 50, 2.34e8, 4.18e11, 1.0}),  // wide: flipped (Jacobi)
    case_name);

TEST(IrDrop, JacobiPathAgreesWithDirectPath) {
  // The two nodal paths share no code beyond the topology: Jacobi drives the bit lines
  // (reciprocity), block elimination the word lines. Where the sweeps converge quickly
  // they must agree with each other to rounding.
  const int n = 64, m = 20;
  const Matrix g = random_conductances(n, m, 2.34e8, 4.18e11, 6);
  int sweeps = 0, total = 0;
  const Matrix jacobi = solve_jacobi(g, n, m, 1.0, 1.0, &sweeps, &total);
  EXPECT_LT(max_relative_error(jacobi, solve_direct(g, n, m, 1.0, 1.0)), 1e-12);
  EXPECT_LE(sweeps, 4);
  // The work done (bench_irdrop's flop count): every drive sweeps at least once and at
  // most as often as the slowest one; one column is one drive.
  EXPECT_GE(total, m);
  EXPECT_GE(total, sweeps);
  EXPECT_LE(total, m * sweeps);
  int one_sweeps = 0, one_total = 0;
  solve_jacobi(random_conductances(n, 1, 2.34e8, 4.18e11, 8), n, 1, 1.0, 1.0, &one_sweeps,
               &one_total);
  EXPECT_EQ(one_total, one_sweeps);
  // A moderately coupled array (ρ ≈ 0.2) still converges, in more sweeps.
  const Matrix g2 = random_conductances(n, m, 1e5, 1e6, 7);
  EXPECT_LT(detail::jacobi_contraction_bound(g2.data(), n, m, 1.0, 1.0), 0.5);
  EXPECT_LT(max_relative_error(solve_jacobi(g2, n, m, 1.0, 1.0, &sweeps),
                               solve_direct(g2, n, m, 1.0, 1.0)),
            1e-12);
  EXPECT_GT(sweeps, 4);
}

// The array seen from the other side: the bit lines, driven at the bottom, become word
// lines driven at their left end, and the word lines, grounded at column 0, become bit
// lines grounded below their last row: G′[m−1−j][n−1−i] = G[i][j], r_wl′ = r_bl,
// r_bl′ = r_wl. Reciprocity of a resistive network (y_ij = y_ji) says the current into
// source i per volt at terminal j equals the current into terminal j per volt at source
// i, so A′[m−1−j][n−1−i] = A[i][j].
Matrix flip_transpose(const Matrix& x, int n, int m) {
  Matrix y(x.size());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) y[(m - 1 - j) * n + (n - 1 - i)] = x[i * m + j];
  return y;
}

TEST(IrDrop, NetworkIsReciprocal) {
  const int n = 24, m = 10;
  for (double r_lo : {1e3, 2.34e8}) {
    const Matrix g = random_conductances(n, m, r_lo, 1e3 * r_lo, 8);
    const Matrix g_t = flip_transpose(g, n, m);
    for (IrDropModel model : {IrDropModel::kNodal, IrDropModel::kFirstOrder}) {
      const Matrix a = solve(model, g, n, m, 2.0, 0.5);
      const Matrix a_t = solve(model, g_t, m, n, 0.5, 2.0);
      EXPECT_LT(max_relative_error(flip_transpose(a, n, m), a_t), 1e-12);
    }
    // The direct path eliminates along the other dimension in the flipped problem.
    EXPECT_LT(max_relative_error(flip_transpose(solve_direct(g, n, m, 2.0, 0.5), n, m),
                                 solve_direct(g_t, m, n, 0.5, 2.0)),
              1e-12);
  }
}

TEST(IrDrop, OpenCellsAreAllowed) {
  // G = 0 (an open or removed cell) is a valid conductance: A[i,j] of an open cell is
  // only the current that leaks round through three other cells, orders below the rest.
  const int n = 20, m = 12;
  for (double r_lo : {1e3, 2.34e8}) {
    Matrix g = random_conductances(n, m, r_lo, 100.0 * r_lo, 13);
    for (std::size_t e = 0; e < g.size(); e += 7) g[e] = 0.0;
    const Matrix ref = test::reference_a_eff_sparse(g, n, m, 1.0, 1.0);
    const Matrix a = solve(IrDropModel::kNodal, g, n, m, 1.0, 1.0);
    EXPECT_LT(max_normwise_error(a, ref), 1e-12);
    EXPECT_LT(max_normwise_error(solve_direct(g, n, m, 1.0, 1.0), ref), 1e-12);
    for (std::size_t e = 0; e < g.size(); e += 7) EXPECT_LT(std::abs(a[e]), 1e-3 / r_lo);
  }
}

TEST(IrDrop, WiresLowerTheTotalButSneakPathsCanRaiseACell) {
  // Maximum principle: with row i at 1 V and every other source and ground at 0 V, all
  // node voltages lie in [0, 1], so every cell of row i carries at most G_ij and the
  // output currents of drive i sum to at most Σ_j G_ij (the rest flows into the other
  // sources); every A[i,j] > 0. By reciprocity the same holds for column sums. A single
  // entry can exceed G_ij, though: current leaves row i through strong cells, climbs a
  // bit line, crosses into word line i′ (whose nodes are above 0 V) and comes down
  // through cell (i′,j): a sneak path, strong with 100 Ω–10 kΩ cells and 1 Ω wires.
  const int n = 64, m = 20;
  const Matrix g = random_conductances(n, m, 1e2, 1e4, 14);
  const Matrix a = solve(IrDropModel::kNodal, g, n, m, 1.0, 1.0);
  double largest_ratio = 0.0;
  for (std::size_t e = 0; e < g.size(); ++e) {
    EXPECT_GT(a[e], 0.0);
    largest_ratio = std::max(largest_ratio, a[e] / g[e]);
  }
  EXPECT_GT(largest_ratio, 1.0);
  for (int i = 0; i < n; ++i) {
    double sum_a = 0.0, sum_g = 0.0;
    for (int j = 0; j < m; ++j) {
      sum_a += a[i * m + j];
      sum_g += g[i * m + j];
    }
    EXPECT_LT(sum_a, sum_g) << "row " << i;
  }
  for (int j = 0; j < m; ++j) {
    double sum_a = 0.0, sum_g = 0.0;
    for (int i = 0; i < n; ++i) {
      sum_a += a[i * m + j];
      sum_g += g[i * m + j];
    }
    EXPECT_LT(sum_a, sum_g) << "column " << j;
  }
}

TEST(FirstOrder, EqualsItsClosedForm) {
  // A = G ∘ (1 − r_wl·G·M_wl − r_bl·M_bl·G), M_wl[j′,j] = min(j,j′)+1,
  // M_bl[i,i′] = n − max(i,i′), evaluated here by the plain triple sums.
  const int n = 13, m = 9;
  const double r_wl = 3.0, r_bl = 5.0;
  const Matrix g = random_conductances(n, m, 1e4, 1e6, 10);
  Matrix expected(g.size());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      double gm = 0.0, mg = 0.0;
      for (int jp = 0; jp < m; ++jp) gm += g[i * m + jp] * (std::min(j, jp) + 1);
      for (int ip = 0; ip < n; ++ip) mg += (n - std::max(i, ip)) * g[ip * m + j];
      expected[i * m + j] = g[i * m + j] * (1.0 - r_wl * gm - r_bl * mg);
    }
  EXPECT_LT(max_relative_error(solve(IrDropModel::kFirstOrder, g, n, m, r_wl, r_bl), expected),
            1e-13);
}

TEST(FirstOrder, ApproachesNodalQuadraticallyAsWiresVanish) {
  // first_order is the first term of the expansion of the exact solution in the wire
  // resistance, so its error shrinks as r²: ten times thinner wires, 100 times less error.
  const int n = 32, m = 16;
  const Matrix g = random_conductances(n, m, 1e3, 1e4, 11);
  double previous = 0.0;
  for (double r : {1e-1, 1e-2, 1e-3}) {
    const double err = max_normwise_error(solve(IrDropModel::kFirstOrder, g, n, m, r, r),
                                          solve(IrDropModel::kNodal, g, n, m, r, r));
    if (previous > 0.0) {
      EXPECT_GT(previous / err, 80.0) << "r = " << r;
      EXPECT_LT(previous / err, 125.0) << "r = " << r;
    }
    previous = err;
  }
}

TEST(IrDrop, StaysInsideItsScratch) {
  // compute_a_eff may use exactly a_eff_scratch_doubles(...) doubles and no more.
  const double kCanary = -12345.0;
  for (auto [n, m, r_lo] : {std::tuple{40, 12, 1e3}, std::tuple{40, 12, 1e9},
                            std::tuple{7, 30, 1e3}, std::tuple{7, 30, 1e9}}) {
    const Matrix g = random_conductances(n, m, r_lo, 10.0 * r_lo, 12);
    const std::size_t size = a_eff_scratch_doubles(IrDropModel::kNodal, n, m);
    std::vector<double> scratch(size + 64, kCanary);
    Matrix a(g.size() + 64, kCanary);
    compute_a_eff(IrDropModel::kNodal, g.data(), n, m, 1.0, 1.0, scratch.data(), a.data());
    for (std::size_t e = size; e < scratch.size(); ++e) EXPECT_EQ(scratch[e], kCanary);
    for (std::size_t e = g.size(); e < a.size(); ++e) EXPECT_EQ(a[e], kCanary);
  }
}

}  // namespace
}  // namespace xbarmc
