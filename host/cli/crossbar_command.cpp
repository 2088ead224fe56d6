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
        if (!std::isfinite(g(i, j)))
          throw UserError(cell_location(path, i, j, v) + " is too small: 1/R is not finite");
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

  // Values that are each valid can still overflow the solve together (wires of 1e308 ohm
  // on 1 S cells): no output rather than NaN.
  for (double c : currents.data) {
    if (!std::isfinite(c)) {
      char w[64];
      std::snprintf(w, sizeof w, "--r-wl %g, --r-bl %g", a.r_wl_ohm, a.r_bl_ohm);
      throw UserError("crossbar solve: the currents are not finite (the " + a.model +
                      " solve overflows with " + w + " and these conductances and voltages)");
    }
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

// The options of `solve`, bound to `args`. They are added twice: to `solve` itself and,
// hidden, to the `crossbar` group, because the global --config files top-level keys
// under the subcommand named on the command line, which is `crossbar`; so a flat config
// (`r-wl = 1.0`) and a [crossbar.solve] section both work. Requiredness is checked in
// the callback, over both copies.
struct SolveOptions {
  std::vector<CLI::Option*> required;  // --voltages, --r-wl, --r-bl
};

void add_solve_options(CLI::App* app, SolveArgs& a, SolveOptions& o) {
  auto* g = app->add_option("--conductances", a.conductances,
                            "cell conductances G, S: n_in lines x n_cols values (>= 0)");
  auto* r = app->add_option("--resistances", a.resistances,
                            "cell resistances R = 1/G, ohm: n_in lines x n_cols values (> 0)");
  g->excludes(r);
  r->excludes(g);
  o.required.push_back(app->add_option(
      "--voltages", a.voltages,
      "input voltages, V: n_in lines x p values (one column per input vector), required"));
  o.required.push_back(
      app->add_option("--r-wl", a.r_wl_ohm, "word-line segment resistance, ohm (>= 0), required"));
  o.required.push_back(
      app->add_option("--r-bl", a.r_bl_ohm, "bit-line segment resistance, ohm (>= 0), required"));
  app->add_option("--model", a.model,
                  "IR-drop model: nodal (exact), first_order (one correction) or none (A_eff = G)")
      ->check(CLI::IsMember({"nodal", "first_order", "none"}))
      ->capture_default_str();
  app->add_option("--out", a.out,
                  "output CSV: p lines x n_cols currents, A (default: standard output)");
}

}  // namespace

void add_crossbar_command(CLI::App& app) {
  CLI::App* group = app.add_subcommand("crossbar", "Single-crossbar analyses");
  group->require_subcommand(1);
  auto args = std::make_shared<SolveArgs>();
  CLI::App* sub = group->add_subcommand(
      "solve", "Output currents I = V^T A_eff of a crossbar with word- and bit-line resistance");
  sub->fallthrough();  // --config after `crossbar solve` belongs to the application
  auto visible = std::make_shared<SolveOptions>();
  auto hidden = std::make_shared<SolveOptions>();
  add_solve_options(sub, *args, *visible);
  add_solve_options(group, *args, *hidden);
  for (CLI::Option* o : group->get_options())
    if (o != group->get_help_ptr()) o->group("");
  sub->callback([args, visible, hidden] {
    for (std::size_t k = 0; k < visible->required.size(); ++k) {
      if (visible->required[k]->count() + hidden->required[k]->count() == 0)
        throw UserError("crossbar solve: " + visible->required[k]->get_name() + " is required");
    }
    if (args->conductances.empty() && args->resistances.empty())
      throw UserError("crossbar solve: one of --conductances or --resistances is required");
    if (!args->conductances.empty() && !args->resistances.empty())
      throw UserError("crossbar solve: --conductances and --resistances exclude each other");
    run_solve(*args);
  });
}

}  // namespace xbarmc::cli
