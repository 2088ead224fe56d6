// `xbarmc map`: weights (CSV, .npy or a model .h5 of any number of layers) → conductance
// levels and targets (DESIGN §2.3, §2.7, §3), cut into physical arrays. Writes either
// one weight map (--out, a network that fits one array) with optionally the bl_sel
// table and an HDF5 copy, or one weight map and bl_sel table per array and an index
// (--out-dir); all or none of them. Prints a summary per layer.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "mapping/array_plan.hpp"
#include "mapping/device_table.hpp"
#include "mapping/layer_mapping.hpp"
#include "mapping/map_layer.hpp"
#include "mapping/validate_mapping.hpp"
#include "mapping/weight_map_file.hpp"
#include "train/weights_file.hpp"

namespace xbarmc::cli {
namespace {

namespace fs = std::filesystem;

struct MapArgs {
  std::string weights;
  std::string out;
  std::string out_dir;
  std::string bl_sel_out;
  std::string h5_out;
  int weight_bits = 4;
  double r_on = 2.34e8;
  double r_off = 4.18e11;
  std::string spacing = "log";
  std::string layout = "interleaved";
  std::string bias_mode = "digital";
  int array_rows = 0;
  int array_cols = 0;
  std::string device_table;  // measured levels (DESIGN §2.8): their g_s are the levels
};

// The seed's one-layer summary (--out of one layer without bias).
void print_single_summary(const MatrixD& w, const MappedLayer& m, const MapArgs& a) {
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
  const QuantizationError e = quantization_error(w, m.w_q);
  std::printf("\n|W - W_q|: mean %.6g, max %.6g\n", e.mean_abs, e.max_abs);
}

void print_network_summary(const std::vector<LayerWeights>& layers,
                           const std::vector<LayerMapping>& mapped, const ArrayPlan& plan,
                           const MapArgs& a, const MappingParams& p) {
  std::printf("weights %s: %zu layer%s, %d", a.weights.c_str(), layers.size(),
              layers.size() == 1 ? "" : "s", layers.front().w.cols);
  for (const LayerWeights& l : layers) std::printf(" -> %d", l.w.rows);
  bool biased = false;
  for (const LayerWeights& l : layers) biased = biased || !l.bias.empty();
  std::printf(", %s%s\n", biased ? "biases " : "no biases", biased ? a.bias_mode.c_str() : "");
  std::printf(
      "mapping: %d bits (%d levels, %s), R_on %.4g ohm, R_off %.4g ohm, layout %s, "
      "arrays %s x %s\n",
      p.weight_bits, p.n_levels(), spacing_name(p.spacing).c_str(), p.r_on_ohm, p.r_off_ohm,
      layout_name(p.layout).c_str(),
      a.array_rows ? std::to_string(a.array_rows).c_str() : "layer rows",
      a.array_cols ? std::to_string(a.array_cols).c_str() : "layer columns");
  std::printf("%5s  %-16s  %10s  %6s  %25s  %11s  %11s\n", "layer", "shape (out x in)",
              "shared_max", "arrays", "cells used / available", "mean|W-W_q|", "max|W-W_q|");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    std::uint64_t used = 0, available = 0;
    for (int k = plan.layer_first[l]; k < plan.layer_first[l + 1]; ++k) {
      used += plan.arrays[static_cast<std::size_t>(k)].cells_used();
      available += plan.arrays[static_cast<std::size_t>(k)].cells();
    }
    const QuantizationError e = quantization_error(layers[l].w, mapped[l].w_q);
    char shape[48], cells[64];
    std::snprintf(shape, sizeof shape, "%d x %d%s", mapped[l].n_out, mapped[l].n_in,
                  mapped[l].bias_row ? " +bias" : "");
    std::snprintf(cells, sizeof cells, "%llu / %llu (%.1f %%)",
                  static_cast<unsigned long long>(used), static_cast<unsigned long long>(available),
                  100.0 * static_cast<double>(used) / static_cast<double>(available));
    std::printf("%5zu  %-16s  %10.6g  %6d  %25s  %11.6g  %11.6g\n", l, shape, mapped[l].shared_max,
                plan.n_arrays(static_cast<int>(l)), cells, e.mean_abs, e.max_abs);
  }
}

// The output folder of --out-dir, made when missing and removed again (if still empty)
// when the run fails before its files are committed.
class OutDir {
 public:
  explicit OutDir(const std::string& dir) : dir_(dir) {
    std::error_code ec;
    if (fs::is_directory(dir_, ec)) return;
    if (!fs::create_directories(dir_, ec) || ec) {
      throw UserError("cannot make --out-dir " + dir + ": " + ec.message());
    }
    made_ = true;
  }
  ~OutDir() {
    std::error_code ec;
    if (made_ && !kept_ && fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
  }
  OutDir(const OutDir&) = delete;
  OutDir& operator=(const OutDir&) = delete;
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  void keep() { kept_ = true; }

 private:
  fs::path dir_;
  bool made_ = false, kept_ = false;
};

void write_out_dir(const MapArgs& a, const std::vector<LayerMapping>& mapped, const ArrayPlan& plan,
                   Layout layout) {
  OutDir dir(a.out_dir);
  std::vector<std::string> names;
  std::vector<std::unique_ptr<AtomicFile>> files;
  for (std::size_t k = 0; k < plan.arrays.size(); ++k) {
    const ArrayTile& t = plan.arrays[k];
    names.push_back("array_" + std::to_string(k) + ".csv");
    files.push_back(std::make_unique<AtomicFile>(dir.file(names.back())));
    write_array_map_csv(*files.back(), t, mapped[static_cast<std::size_t>(t.layer)]);
    files.push_back(
        std::make_unique<AtomicFile>(dir.file("array_" + std::to_string(k) + "_bl_sel.csv")));
    write_array_bl_sel_csv(*files.back(), t, layout);
  }
  files.push_back(std::make_unique<AtomicFile>(dir.file("index.csv")));
  write_array_index_csv(*files.back(), plan, names);
  for (auto& f : files) f->commit();
  dir.keep();
}

void run_map(const MapArgs& a) {
  MappingParams params;
  params.weight_bits = a.weight_bits;
  params.r_on_ohm = a.r_on;
  params.r_off_ohm = a.r_off;
  params.spacing = a.spacing == "linear" ? Spacing::kLinear : Spacing::kLog;
  params.layout = a.layout == "blocked" ? Layout::kBlocked : Layout::kInterleaved;
  validate_mapping(params);
  if (!a.device_table.empty()) {
    params = with_device_table(
        params, load_device_table(a.device_table, params.weight_bits, DeviceParams{}));
  }
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
  validate_array_size(a.array_rows, a.array_cols);
  const BiasMode bias_mode = parse_bias_mode(a.bias_mode);
  if (a.out.empty() == a.out_dir.empty()) {
    throw UserError(
        "give either --out FILE.csv (a network on one array) or --out-dir DIR (one "
        "weight map per array)");
  }
  if (!a.out_dir.empty() && (!a.bl_sel_out.empty() || !a.h5_out.empty())) {
    throw UserError(
        "--bl-sel-out and --h5-out go with --out; --out-dir writes a bl_sel table "
        "per array");
  }
  const std::vector<LayerWeights> layers = load_network_weights(a.weights);
  std::vector<LayerMapping> mapped;
  std::vector<LayerShape> shapes;
  for (const LayerWeights& l : layers) {
    mapped.push_back(map_network_layer(l.w, l.bias, bias_mode, params));
    shapes.push_back({mapped.back().rows(), mapped.back().n_out});
  }
  const ArrayPlan plan = plan_arrays(shapes, a.array_rows, a.array_cols);
  const bool single =
      layers.size() == 1 && layers.front().bias.empty() && a.array_rows == 0 && a.array_cols == 0;
  if (!a.out.empty()) {
    if (plan.arrays.size() != 1) {
      throw UserError("--out: " + a.weights + " needs " + std::to_string(plan.arrays.size()) +
                      " arrays; write them with --out-dir DIR");
    }
    if (!a.h5_out.empty() && !single) {
      throw UserError("--h5-out: written for one layer without bias on one array of its size");
    }
    // Every output is written to its temporary file first and renamed only when all
    // succeeded: a failing run leaves nothing behind.
    AtomicFile map_file(a.out);
    std::optional<AtomicFile> bl_sel_file, h5_file;
    write_array_map_csv(map_file, plan.arrays.front(), mapped.front());
    if (!a.bl_sel_out.empty()) {
      write_array_bl_sel_csv(bl_sel_file.emplace(a.bl_sel_out), plan.arrays.front(), params.layout);
    }
    if (!a.h5_out.empty()) {
      write_mapping_h5(h5_file.emplace(a.h5_out), layers.front().w,
                       map_layer(layers.front().w, params), a.weights);
    }
    map_file.commit();
    if (bl_sel_file) bl_sel_file->commit();
    if (h5_file) h5_file->commit();
  } else {
    write_out_dir(a, mapped, plan, params.layout);
  }

  if (single) {
    print_single_summary(layers.front().w, map_layer(layers.front().w, params), a);
  } else {
    print_network_summary(layers, mapped, plan, a, params);
  }
  if (!a.out.empty()) {
    const ArrayTile& t = plan.arrays.front();
    std::printf("wrote %s (%llu rows)", a.out.c_str(),
                static_cast<unsigned long long>(t.cells_used() / 2));
    if (!a.bl_sel_out.empty()) std::printf(", %s", a.bl_sel_out.c_str());
    if (!a.h5_out.empty()) std::printf(", %s", a.h5_out.c_str());
    std::printf("\n");
  } else {
    std::printf("wrote %zu array%s to %s: array_<k>.csv, array_<k>_bl_sel.csv, index.csv\n",
                plan.arrays.size(), plan.arrays.size() == 1 ? "" : "s", a.out_dir.c_str());
  }
}

}  // namespace

void add_map_command(CLI::App& app) {
  auto args = std::make_shared<MapArgs>();
  CLI::App* sub = app.add_subcommand(
      "map", "Map weights (one layer or a network) to crossbar conductance levels, per array");
  sub->add_option("--weights", args->weights,
                  "weights: CSV (n_out lines of n_in values), .npy (float32/64) or model .h5")
      ->required();
  sub->add_option("--out", args->out, "weight-map CSV to write (a network that fits one array)");
  sub->add_option("--out-dir", args->out_dir,
                  "folder for one weight map and bl_sel table per array and index.csv");
  sub->add_option("--array-rows", args->array_rows,
                  "rows of a physical array (0: each layer's own rows, a bias row included)")
      ->capture_default_str();
  sub->add_option("--array-cols", args->array_cols,
                  "columns of a physical array, even (0: each layer's own 2 x outputs)")
      ->capture_default_str();
  sub->add_option("--bias-mode", args->bias_mode,
                  "biases of a model: digital (off the array) or row (one more input row)")
      ->check(CLI::IsMember({"digital", "row"}))
      ->capture_default_str();
  sub->add_option("--weight-bits", args->weight_bits, "bits per cell: 2^bits levels (1-8)")
      ->capture_default_str();
  sub->add_option("--r-on", args->r_on, "low-resistance state R_on, ohm")->capture_default_str();
  sub->add_option("--r-off", args->r_off, "high-resistance state R_off, ohm")
      ->capture_default_str();
  sub->add_option("--spacing", args->spacing, "conductance level spacing")
      ->check(CLI::IsMember({"log", "linear"}))
      ->capture_default_str();
  sub->add_option("--layout", args->layout,
                  "columns of an array: interleaved (2j, 2j+1) or blocked (j, C/2+j)")
      ->check(CLI::IsMember({"interleaved", "blocked"}))
      ->capture_default_str();
  sub->add_option("--device-table", args->device_table,
                  "CSV level table (level,g_s,...): map onto its measured conductances");
  sub->add_option("--bl-sel-out", args->bl_sel_out,
                  "with --out: also write the bl_sel -> physical column table (CSV)");
  sub->add_option("--h5-out", args->h5_out, "with --out: also write levels and G_target to HDF5");
  sub->callback([args] { run_map(*args); });
}

}  // namespace xbarmc::cli
