// `xbarmc map`: weights (CSV, .npy or a model .h5) → conductance levels and targets
// (DESIGN §2.3, §3). Writes the weight-map CSV, optionally the bl_sel → physical
// column table and an HDF5 copy, all or none of them, and prints a short summary.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cli/commands.hpp"
#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "mapping/map_layer.hpp"
#include "mapping/validate_mapping.hpp"
#include "mapping/weight_map_file.hpp"
#include "train/weights_file.hpp"

namespace xbarmc::cli {
namespace {

struct MapArgs {
  std::string weights;
  std::string out;
  std::string bl_sel_out;
  std::string h5_out;
  int weight_bits = 4;
  double r_on = 2.34e8;
  double r_off = 4.18e11;
  std::string spacing = "log";
  std::string layout = "interleaved";
};

void print_summary(const MatrixD& w, const MappedLayer& m, const MapArgs& a) {
  std::printf("weights %s: %d outputs x %d inputs, shared_max %.6g\n", a.weights.c_str(), m.n_out,
              m.n_in, m.shared_max);
  std::printf(
      "mapping: %d bits (%d levels, %s), R_on %.4g ohm, R_off %.4g ohm, layout %s "
      "(%d columns)\n",
      m.params.weight_bits, m.params.n_levels(), spacing_name(m.params.spacing).c_str(),
      m.params.r_on_ohm, m.params.r_off_ohm, layout_name(m.params.layout).c_str(), m.n_cols());
  std::printf("cells per level (both columns, empty levels left out):");
  const std::vector<long> histogram = level_histogram(m);
  for (std::size_t k = 0; k < histogram.size(); ++k) {
    if (histogram[k] > 0) std::printf(" %zu:%ld", k, histogram[k]);
  }
  const QuantizationError e = quantization_error(w, m);
  std::printf("\n|W - W_q|: mean %.6g, max %.6g\n", e.mean_abs, e.max_abs);
}

void run_map(const MapArgs& a) {
  MappingParams params;
  params.weight_bits = a.weight_bits;
  params.r_on_ohm = a.r_on;
  params.r_off_ohm = a.r_off;
  params.spacing = a.spacing == "linear" ? Spacing::kLinear : Spacing::kLog;
  params.layout = a.layout == "blocked" ? Layout::kBlocked : Layout::kInterleaved;
  validate_mapping(params);
  // Two outputs on one path would share one temporary file (the second commit failed
  // after the first had renamed it, leaving a file behind with exit 2).
  const auto same_file = [](const std::string& x, const std::string& y) {
    return std::filesystem::absolute(x).lexically_normal() ==
           std::filesystem::absolute(y).lexically_normal();
  };
  for (const auto& [option, path] :
       {std::pair{"--bl-sel-out", &a.bl_sel_out}, {"--h5-out", &a.h5_out}}) {
    if (!path->empty() && same_file(*path, a.out)) {
      throw UserError(std::string(option) + " " + *path + " is the --out file");
    }
  }
  if (!a.bl_sel_out.empty() && !a.h5_out.empty() && same_file(a.bl_sel_out, a.h5_out)) {
    throw UserError("--h5-out " + a.h5_out + " is the --bl-sel-out file");
  }
  const MatrixD w = load_weights(a.weights);
  const MappedLayer m = map_layer(w, params);

  // Every output is written to its temporary file first and renamed only when all
  // succeeded: a failing run leaves nothing behind.
  AtomicFile map_file(a.out);
  std::optional<AtomicFile> bl_sel_file, h5_file;
  write_weight_map_csv(map_file, m);
  if (!a.bl_sel_out.empty()) write_bl_sel_csv(bl_sel_file.emplace(a.bl_sel_out), m);
  if (!a.h5_out.empty()) write_mapping_h5(h5_file.emplace(a.h5_out), w, m, a.weights);
  map_file.commit();
  if (bl_sel_file) bl_sel_file->commit();
  if (h5_file) h5_file->commit();

  print_summary(w, m, a);
  std::printf("wrote %s (%d rows)", a.out.c_str(), m.n_in * m.n_out);
  if (bl_sel_file) std::printf(", %s", a.bl_sel_out.c_str());
  if (h5_file) std::printf(", %s", a.h5_out.c_str());
  std::printf("\n");
}

}  // namespace

void add_map_command(CLI::App& app) {
  auto args = std::make_shared<MapArgs>();
  CLI::App* sub = app.add_subcommand(
      "map", "Map a weight matrix W [n_out x n_in] to crossbar conductance levels");
  sub->add_option("--weights", args->weights,
                  "weights: CSV (n_out lines of n_in values), .npy (float32/64) or model .h5")
      ->required();
  sub->add_option("--out", args->out, "weight-map CSV to write")->required();
  sub->add_option("--weight-bits", args->weight_bits, "bits per cell: 2^bits levels (1-8)")
      ->capture_default_str();
  sub->add_option("--r-on", args->r_on, "low-resistance state R_on, ohm")->capture_default_str();
  sub->add_option("--r-off", args->r_off, "high-resistance state R_off, ohm")
      ->capture_default_str();
  sub->add_option("--spacing", args->spacing, "conductance level spacing")
      ->check(CLI::IsMember({"log", "linear"}))
      ->capture_default_str();
  sub->add_option("--layout", args->layout,
                  "physical columns: interleaved (2j, 2j+1) or blocked (j, n_out+j)")
      ->check(CLI::IsMember({"interleaved", "blocked"}))
      ->capture_default_str();
  sub->add_option("--bl-sel-out", args->bl_sel_out,
                  "also write the bl_sel -> physical column table (CSV)");
  sub->add_option("--h5-out", args->h5_out, "also write levels and G_target to HDF5");
  sub->callback([args] { run_map(*args); });
}

}  // namespace xbarmc::cli
