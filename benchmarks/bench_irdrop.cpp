// A_eff throughput (chips/s = A_eff solves per second, one core) of the IR-drop models,
// for the seed's high-resistance device (2.34e8–4.18e11 Ω) and a low-resistance one
// (1e4–1e6 Ω), 1 Ω wires, and how the cost scales with the array size.
// Napkin math beside each timing: counter "Mflop" = the flops one solve does, counted
// from the solver's loops (n = n_in, m = n_cols, in the orientation the solver uses):
//   first_order         2·(n−1)·m + 9·n·m                                (64×20: 14 k)
//   nodal, Jacobi path  S·jacobi_sweep_flops(n, m) + n·m² (row sums) + 8·n·m (the
//                       contraction bound, twice), S = the sweeps of all m drives that
//                       this very matrix needs, reported by the solver (the seed's
//                       device, 64×20: S = 40, 2 per drive: 0.75 M; not the 3 per
//                       drive this count once assumed)
//   nodal, direct path  n·m³ (inversions) + n·(n+1)·m² (carrying the inputs)
//                       + 6·n·m² (word lines, scaling), to leading order (64×20: ~2.3 M)
// "Gflop/s" is that count per second. At ~2–4 Gflop/s for this scalar double code,
// the direct 64×20 solve is ~1 ms.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "xbarmc/irdrop.hpp"
#include "xbarmc/rng.hpp"

namespace {

using xbarmc::IrDropModel;

enum Device : int { kHighR = 0, kLowR = 1 };
enum Path : int { kDispatch = 0, kDirect = 1 };

std::vector<double> conductances(int n, int m, Device device) {
  const double r_lo = device == kHighR ? 2.34e8 : 1e4;
  const double r_hi = device == kHighR ? 4.18e11 : 1e6;
  const xbarmc::Stream s = xbarmc::make_stream(1, xbarmc::Purpose::kCellProgram, 0);
  std::vector<double> g(static_cast<std::size_t>(n) * m);
  for (std::size_t e = 0; e < g.size(); ++e) {
    const double u = xbarmc::stream_uniform_double(s, static_cast<std::uint32_t>(e));
    g[e] = 1.0 / std::exp(std::log(r_lo) + u * (std::log(r_hi) - std::log(r_lo)));
  }
  return g;
}

// Sweeps of all drives of the Jacobi path for g, in the orientation a_eff_nodal uses
// (detail/irdrop_nodal.hpp: flipped when m > n), and that orientation's n and m.
int jacobi_sweeps(const std::vector<double>& g, int n, int m, int* n_solved, int* m_solved) {
  const bool flip = xbarmc::detail::flip_for_jacobi(n, m);
  std::vector<double> gs(g.size()), a(g.size());
  if (flip) {
    xbarmc::detail::flip_transpose(g.data(), n, m, gs.data());
  } else {
    gs = g;
  }
  *n_solved = flip ? m : n;
  *m_solved = flip ? n : m;
  std::vector<double> scratch(xbarmc::detail::jacobi_scratch_doubles(*n_solved, *m_solved));
  int sweeps = 0;
  xbarmc::detail::a_eff_jacobi(gs.data(), *n_solved, *m_solved, 1.0, 1.0, scratch.data(), a.data(),
                               &sweeps);
  return sweeps;
}

// Flops of one solve, counted from the loops of the path taken (see the header).
double counted_flops(IrDropModel model, Path path, const std::vector<double>& g, int n, int m,
                     bool jacobi) {
  double dn = n, dm = m;
  if (model == IrDropModel::kFirstOrder) return 2.0 * (dn - 1.0) * dm + 9.0 * dn * dm;
  if (jacobi && path == kDispatch) {
    int ns = 0, ms = 0;
    const int sweeps = jacobi_sweeps(g, n, m, &ns, &ms);
    return sweeps * xbarmc::detail::jacobi_sweep_flops(ns, ms) + static_cast<double>(ns) * ms * ms +
           8.0 * dn * dm;
  }
  const double bound = path == kDispatch ? 4.0 * dn * dm : 0.0;
  if (path == kDispatch && xbarmc::detail::flip_for_block_elimination(n, m)) std::swap(dn, dm);
  return dn * dm * dm * dm + dn * (dn + 1.0) * dm * dm + 6.0 * dn * dm * dm + bound;
}

// Args: n_in, n_cols, device, model (0 none, 1 first_order, 2 nodal), path.
void BM_AEff(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int m = static_cast<int>(state.range(1));
  const auto device = static_cast<Device>(state.range(2));
  const auto model = static_cast<IrDropModel>(state.range(3));
  const auto path = static_cast<Path>(state.range(4));
  const std::vector<double> g = conductances(n, m, device);
  std::vector<double> scratch(xbarmc::a_eff_scratch_doubles(IrDropModel::kNodal, n, m));
  std::vector<double> a(g.size());
  for (auto _ : state) {
    if (path == kDirect) {
      xbarmc::detail::a_eff_block_elimination(g.data(), n, m, 1.0, 1.0, scratch.data(), a.data());
    } else {
      xbarmc::compute_a_eff(model, g.data(), n, m, 1.0, 1.0, scratch.data(), a.data());
    }
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  const double rho = xbarmc::detail::jacobi_contraction_bound(g.data(), n, m, 1.0, 1.0);
  const bool jacobi = rho <= xbarmc::detail::kJacobiMaxContraction;
  state.SetItemsProcessed(state.iterations());  // items/s = chips/s
  state.counters["rho"] = rho;
  const double flops = counted_flops(model, path, g, n, m, jacobi);
  state.counters["Mflop"] = flops * 1e-6;
  state.counters["Gflop/s"] = benchmark::Counter(
      flops * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(device == kHighR ? "high-R " : "low-R ") +
                 (model == IrDropModel::kFirstOrder ? "first_order"
                  : path == kDirect                 ? "nodal/direct"
                  : jacobi                          ? "nodal/jacobi"
                                                    : "nodal/direct"));
}

void sizes(benchmark::internal::Benchmark* b) {
  const int nodal = static_cast<int>(IrDropModel::kNodal);
  const int first = static_cast<int>(IrDropModel::kFirstOrder);
  // The engine's case: 64 inputs, 10 outputs = 20 physical columns.
  for (int device : {kHighR, kLowR}) {
    b->Args({64, 20, device, first, kDispatch});
    b->Args({64, 20, device, nodal, kDispatch});
  }
  b->Args({64, 20, kHighR, nodal, kDirect});
  // Scaling with the array size.
  for (int device : {kHighR, kLowR})
    for (auto nm : {std::pair{32, 10}, std::pair{128, 40}, std::pair{128, 128}})
      b->Args({nm.first, nm.second, device, nodal, kDispatch});
}

BENCHMARK(BM_AEff)->Apply(sizes)->ArgNames({"n_in", "n_cols", "dev", "model", "path"});

}  // namespace

BENCHMARK_MAIN();
