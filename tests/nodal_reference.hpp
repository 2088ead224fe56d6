// Independent references for the IR-drop solvers (tests only). They share nothing with
// include/xbarmc/irdrop.hpp: the crossbar is written out as a plain resistor netlist and
// solved as a whole by Eigen, either by nodal analysis (sparse LU, fixed-voltage nodes
// moved to the right-hand side) or by modified nodal analysis with explicit voltage
// sources (dense LU, small arrays), where each column's output current is the current of
// a 0 V source (an ammeter) between its bit line and ground.
#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseLU>
#include <vector>

namespace xbarmc::test {

struct Resistor {
  int a, b;  // node indices
  double g;  // conductance, S
};

// Nodes: word-line (i,j) = i·m + j, bit-line (i,j) = n·m + i·m + j, source of row i =
// 2nm + i, ground terminal of column j = 2nm + n + j (the last n + m nodes are fixed).
struct CrossbarNetlist {
  int n_in = 0, n_cols = 0;
  int n_free = 0;  // word- and bit-line nodes
  std::vector<Resistor> resistors;
  int source(int i) const { return n_free + i; }
  int terminal(int j) const { return n_free + n_in + j; }
};

inline CrossbarNetlist crossbar_netlist(const std::vector<double>& g, int n, int m, double r_wl,
                                        double r_bl) {
  CrossbarNetlist net;
  net.n_in = n;
  net.n_cols = m;
  net.n_free = 2 * n * m;
  auto wl = [m](int i, int j) { return i * m + j; };
  auto bl = [n, m](int i, int j) { return n * m + i * m + j; };
  for (int i = 0; i < n; ++i) {
    net.resistors.push_back({net.source(i), wl(i, 0), 1.0 / r_wl});
    for (int j = 0; j + 1 < m; ++j) net.resistors.push_back({wl(i, j), wl(i, j + 1), 1.0 / r_wl});
  }
  for (int j = 0; j < m; ++j) {
    for (int i = 0; i + 1 < n; ++i) net.resistors.push_back({bl(i, j), bl(i + 1, j), 1.0 / r_bl});
    net.resistors.push_back({bl(n - 1, j), net.terminal(j), 1.0 / r_bl});
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) net.resistors.push_back({wl(i, j), bl(i, j), g[i * m + j]});
  return net;
}

// A_eff[i,j] = current into terminal j per volt on source i, all other fixed nodes at
// 0 V: K·x = b with K the conductance matrix of the free nodes; each resistor to a fixed
// node at voltage v adds g·v to b. One LU factorisation, n_in right-hand sides.
inline std::vector<double> reference_a_eff_sparse(const std::vector<double>& g, int n, int m,
                                                  double r_wl, double r_bl) {
  const CrossbarNetlist net = crossbar_netlist(g, n, m, r_wl, r_bl);
  std::vector<Eigen::Triplet<double>> t;
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(net.n_free, n);
  for (const Resistor& r : net.resistors) {
    const bool fa = r.a >= net.n_free, fb = r.b >= net.n_free;
    if (!fa) t.emplace_back(r.a, r.a, r.g);
    if (!fb) t.emplace_back(r.b, r.b, r.g);
    if (!fa && !fb) {
      t.emplace_back(r.a, r.b, -r.g);
      t.emplace_back(r.b, r.a, -r.g);
    }
    // A free node tied to source i receives g·1 V in right-hand side i.
    if (fa && !fb && r.a < net.n_free + n) rhs(r.b, r.a - net.n_free) += r.g;
    if (fb && !fa && r.b < net.n_free + n) rhs(r.a, r.b - net.n_free) += r.g;
  }
  Eigen::SparseMatrix<double> k(net.n_free, net.n_free);
  k.setFromTriplets(t.begin(), t.end());
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
  lu.compute(k);
  const Eigen::MatrixXd x = lu.solve(rhs);
  std::vector<double> a(static_cast<std::size_t>(n) * m);
  for (const Resistor& r : net.resistors) {
    if (r.b < net.n_free + n) continue;  // only resistors into a ground terminal
    const int j = r.b - net.n_free - n;
    for (int i = 0; i < n; ++i) a[static_cast<std::size_t>(i) * m + j] = r.g * x(r.a, i);
  }
  return a;
}

// Modified nodal analysis: unknowns are all node voltages except the reference node
// (ground), plus the current of every voltage source (rows driven at V_i, column
// ammeters at 0 V between the terminal node and ground). Dense LU; small arrays only.
inline std::vector<double> reference_a_eff_mna_dense(const std::vector<double>& g, int n, int m,
                                                     double r_wl, double r_bl) {
  const CrossbarNetlist net = crossbar_netlist(g, n, m, r_wl, r_bl);
  const int n_nodes = net.n_free + n + m;  // every node but ground
  const int n_sources = n + m;
  const int size = n_nodes + n_sources;
  std::vector<double> a(static_cast<std::size_t>(n) * m);
  for (int drive = 0; drive < n; ++drive) {
    Eigen::MatrixXd k = Eigen::MatrixXd::Zero(size, size);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(size);
    for (const Resistor& r : net.resistors) {
      k(r.a, r.a) += r.g;
      k(r.b, r.b) += r.g;
      k(r.a, r.b) -= r.g;
      k(r.b, r.a) -= r.g;
    }
    // Source s from ground to node p: current I_s leaves the source into node p.
    for (int s = 0; s < n_sources; ++s) {
      const int p = s < n ? net.source(s) : net.terminal(s - n);
      k(p, n_nodes + s) = -1.0;  // KCL at p: Σ g·(v_p − v_q) − I_s = 0
      k(n_nodes + s, p) = 1.0;   // v_p = E_s
      b(n_nodes + s) = s == drive ? 1.0 : 0.0;
    }
    const Eigen::VectorXd x = k.fullPivLu().solve(b);
    // The ammeter's source current I_s flows into the terminal node, so the output
    // current (into ground through the ammeter) is −I_s.
    for (int j = 0; j < m; ++j) a[static_cast<std::size_t>(drive) * m + j] = -x(n_nodes + n + j);
  }
  return a;
}

}  // namespace xbarmc::test
