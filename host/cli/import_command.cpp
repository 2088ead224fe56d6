// `xbarmc import`: a network trained elsewhere (PyTorch, NumPy) → model.h5 (DESIGN §2.7):
// weights and biases from .npy files or one .npz, an input method, the mapping. Prints
// the float and mapped accuracy on val and test, so that a wrong import (transposed
// weights, another input scaling) shows at once.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "data/dataset.hpp"
#include "mapping/layer_mapping.hpp"
#include "mapping/validate_mapping.hpp"
#include "optim/eigen_single_thread.hpp"
#include "train/import_network.hpp"
#include "train/model_file.hpp"
#include "train/network.hpp"

namespace xbarmc::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> weights, biases;
  std::string method;
  std::string data_dir = kDefaultDataDir;
  std::string out = "model.h5";
  int weight_bits = 4;
  double r_on = 2.34e8;
  double r_off = 4.18e11;
  std::string spacing = "log";
  std::string layout = "interleaved";
  std::string bias_mode = "digital";
  bool quiet = false;
};

// Val and test only: the train split (50 000 images) would triple the time, and the
// network was trained elsewhere.
SplitAccuracy val_test_accuracy(const NetworkParams& p, const FeatureSet& val,
                                const FeatureSet& test) {
  return {std::nan(""), accuracy(p, val), accuracy(p, test)};
}

void run_import(const ImportArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  MappingParams params;
  params.weight_bits = a.weight_bits;
  params.r_on_ohm = a.r_on;
  params.r_off_ohm = a.r_off;
  params.spacing = a.spacing == "linear" ? Spacing::kLinear : Spacing::kLog;
  params.layout = a.layout == "blocked" ? Layout::kBlocked : Layout::kInterleaved;
  validate_mapping(params);
  const FeatureMethod method = parse_feature_method(a.method);
  imported_feature_spec(method, 28, 28);  // refuses the projection methods early
  const std::filesystem::path out_dir = std::filesystem::path(a.out).parent_path();
  std::error_code ec;
  if (!out_dir.empty() && !std::filesystem::is_directory(out_dir, ec)) {
    throw UserError("cannot write " + a.out + ": directory " + out_dir.string() +
                    " does not exist");
  }
  std::vector<ImportedLayer> layers = read_imported_layers(a.weights, a.biases);
  const std::string last_source = layers.back().w_source;
  const Dataset data = load_dataset(a.data_dir);
  const FeatureSpec spec =
      imported_feature_spec(method, data.train.images.rows, data.train.images.cols);
  Model model = make_imported_model(std::move(layers), spec, params, parse_bias_mode(a.bias_mode));
  if (model.n_out() < data.n_classes) {
    throw UserError(last_source + ": the last layer has " + std::to_string(model.n_out()) +
                    " outputs but " + a.data_dir + " has " + std::to_string(data.n_classes) +
                    " classes");
  }

  const EigenSingleThread single_thread;  // the same sums as training's evaluation
  const FeatureSet val = make_feature_set(spec, data.val);
  const FeatureSet test = make_feature_set(spec, data.test);
  model.acc_float = val_test_accuracy(model_network(model, ForwardWeights::kFloat), val, test);
  model.acc_ptq = val_test_accuracy(model_network(model, ForwardWeights::kQuantized), val, test);
  save_model(a.out, model);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!a.quiet) {
    std::printf("network: %d", model.n_in());
    for (const ModelLayer& l : model.layers) std::printf(" -> %d", l.n_out());
    std::printf(" (%s inputs%s%s), imported in %.1f s\n", method_name(method),
                model.has_bias() ? ", biases " : "",
                model.has_bias() ? bias_mode_name(model.bias_mode) : "", seconds);
  }
  std::printf("%-8s  %8s  %8s\n", "network", "val", "test");
  std::printf("%-8s  %8.4f  %8.4f\n", "float", model.acc_float[1], model.acc_float[2]);
  std::printf("%-8s  %8.4f  %8.4f\n", "mapped", model.acc_ptq[1], model.acc_ptq[2]);
  if (!a.quiet) std::printf("wrote %s\n", a.out.c_str());
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "import", "Import a network trained elsewhere from .npy files or an .npz: model.h5");
  auto a = std::make_shared<ImportArgs>();
  sub->add_option("--weights", a->weights,
                  "one .npz (arrays w0, w1, ..., b0, b1, ...) or one .npy per layer in order, "
                  "each [outputs x inputs] (PyTorch's Linear.weight)")
      ->delimiter(',')
      ->required();
  sub->add_option("--biases", a->biases, "one .npy per layer in order, each [outputs]")
      ->delimiter(',');
  sub->add_option("--method", a->method,
                  "input method the network was trained on: raw (pixels/255), avg_8x8, "
                  "bilinear_8x8, max_8x8")
      ->required();
  sub->add_option("--data-dir", a->data_dir, "folder with the four IDX files (plain or .gz)")
      ->capture_default_str();
  sub->add_option("--out", a->out, "model file (HDF5)")->capture_default_str();
  sub->add_option("--bias-mode", a->bias_mode,
                  "bias on the chip: digital (added after the ADC) or row (an input row at V_read)")
      ->check(CLI::IsMember({"digital", "row"}))
      ->capture_default_str();
  sub->add_option("--weight-bits", a->weight_bits, "bits per conductance level (1..8)")
      ->capture_default_str();
  sub->add_option("--spacing", a->spacing, "conductance level spacing")
      ->check(CLI::IsMember({"log", "linear"}))
      ->capture_default_str();
  sub->add_option("--layout", a->layout, "physical column layout")
      ->check(CLI::IsMember({"interleaved", "blocked"}))
      ->capture_default_str();
  sub->add_option("--r-on", a->r_on, "on resistance, ohm")->capture_default_str();
  sub->add_option("--r-off", a->r_off, "off resistance, ohm")->capture_default_str();
  sub->add_flag("--quiet", a->quiet, "print only the accuracy table");
  sub->callback([a] { run_import(*a); });
}

}  // namespace xbarmc::cli
