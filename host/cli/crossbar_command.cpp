// `xbarmc crossbar solve` (DESIGN §3): the output currents of one crossbar with wire
// resistance, I = Vᵀ·A_eff for each input vector, with A_eff from irdrop.hpp.
// G (or R) is n_in lines × n_cols values, V is n_in lines × p values (one column per
// input vector); the result is p lines × n_cols currents in A, %.17g.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "io/csv_matrix.hpp"
#include "xbarmc/irdrop.hpp"

namespace xbarmc::cli {
namespace {

struct SolveArgs {
  std::string conductances;
  std::string resistances;
  std::string voltages;
  std::string out;
  double r_wl_ohm = 1.0;
  double r_bl_ohm = 1.0;
  std::string model = "nodal";
};

std::string cell_location(const std::string& path, int row, int col, double value) {
  char v[32];
  std::snprintf(v, sizeof v, "%.17g", value);
  return path + ":" + std::to_string(row + 1) + ": value " + std::to_string(col + 1) + " (" + v +
         ")";
}

// G from --conductances (every value ≥ 0; 0 is an open cell) or --resistances (every
// value > 0), checked value by value so the message names the bad one.
MatrixD load_conductances(const SolveArgs& a) {
  const bool from_r = a.conductances.empty();
  const std::string& path = from_r ? a.resistances : a.conductances;
  MatrixD g = read_csv_matrix(path);
  for (int i = 0; i < g.rows; ++i) {
    for (int j = 0; j < g.cols; ++j) {
      const double v = g(i, j);
      if (from_r) {
        if (!(v > 0.0))
          throw UserError(cell_location(path, i, j, v) + " is not a positive resistance");
        g(i, j) = 1.0 / v;
      } else if (v < 0.0) {
        throw UserError(cell_location(path, i, j, v) + " is a negative conductance");
      }
    }
  }
  return g;
}

void check_wire(const char* option, double r) {
  if (!std::isfinite(r) || r < 0.0) {
    char v[32];
    std::snprintf(v, sizeof v, "%g", r);
    throw UserError(std::string(option) + " " + v +
                    ": wire segment resistance must be finite and >= 0 ohm");
  }
}

IrDropModel parse_model(const std::string& name) {
  if (name == "none") return IrDropModel::kNone;
  if (name == "first_order") return IrDropModel::kFirstOrder;
  return IrDropModel::kNodal;
}

void run_solve(const SolveArgs& a) {
  check_wire("--r-wl", a.r_wl_ohm);
  check_wire("--r-bl", a.r_bl_ohm);
  const MatrixD g = load_conductances(a);
  const MatrixD v = read_csv_matrix(a.voltages);
  const std::string& g_path = a.conductances.empty() ? a.resistances : a.conductances;
  if (v.rows != g.rows) {
    throw UserError(a.voltages + ": expected " + std::to_string(g.rows) +
                    " lines (one per row of " + g_path + "), found " + std::to_string(v.rows));
  }
  const int n_in = g.rows, n_cols = g.cols, p = v.cols;
  const IrDropModel model = parse_model(a.model);

  std::vector<double> scratch(a_eff_scratch_doubles(model, n_in, n_cols));
  std::vector<double> a_eff(g.data.size());
  compute_a_eff(model, g.data.data(), n_in, n_cols, a.r_wl_ohm, a.r_bl_ohm, scratch.data(),
                a_eff.data());

  // I[k][j] = Σ_i V[i][k]·A_eff[i][j], summed in row order i = 0..n_in−1.
  MatrixD currents(p, n_cols);
  for (int k = 0; k < p; ++k)
    for (int i = 0; i < n_in; ++i) {
      const double vi = v(i, k);
      for (int j = 0; j < n_cols; ++j) currents(k, j) += vi * a_eff[i * n_cols + j];
    }

  if (!a.out.empty()) {
    write_csv_matrix(a.out, currents, 17);
    return;
  }
  for (int k = 0; k < p; ++k) {
    for (int j = 0; j < n_cols; ++j) std::printf(j == 0 ? "%.17g" : ",%.17g", currents(k, j));
    std::printf("\n");
  }
}

}  // namespace

void add_crossbar_command(CLI::App& app) {
  CLI::App* group = app.add_subcommand("crossbar", "Single-crossbar analyses");
  group->require_subcommand(1);
  auto args = std::make_shared<SolveArgs>();
  CLI::App* sub = group->add_subcommand(
      "solve", "Output currents I = V^T A_eff of a crossbar with word- and bit-line resistance");
  sub->fallthrough();  // --config after `crossbar solve` belongs to the application
  auto* g_opt = sub->add_option("--conductances", args->conductances,
                                "cell conductances G, S: n_in lines x n_cols values (>= 0)");
  auto* r_opt = sub->add_option("--resistances", args->resistances,
                                "cell resistances R = 1/G, ohm: n_in lines x n_cols values (> 0)");
  g_opt->excludes(r_opt);
  r_opt->excludes(g_opt);
  sub->add_option("--voltages", args->voltages,
                  "input voltages, V: n_in lines x p values (one column per input vector)")
      ->required();
  sub->add_option("--r-wl", args->r_wl_ohm, "word-line segment resistance, ohm (>= 0)")->required();
  sub->add_option("--r-bl", args->r_bl_ohm, "bit-line segment resistance, ohm (>= 0)")->required();
  sub->add_option("--model", args->model,
                  "IR-drop model: nodal (exact), first_order (one correction) or none (A_eff = G)")
      ->check(CLI::IsMember({"nodal", "first_order", "none"}))
      ->capture_default_str();
  sub->add_option("--out", args->out,
                  "output CSV: p lines x n_cols currents, A (default: standard output)");
  sub->callback([args] {
    if (args->conductances.empty() && args->resistances.empty())
      throw UserError("crossbar solve: one of --conductances or --resistances is required");
    run_solve(*args);
  });
}

}  // namespace xbarmc::cli
