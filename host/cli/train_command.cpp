// `xbarmc train`: IDX data → features → float / PTQ / QAT on-chip layer → model.h5
// (DESIGN §2.1–2.2). Prints progress per epoch and an accuracy table at the end.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "data/dataset.hpp"
#include "mpi/study_runner.hpp"
#include "train/model_file.hpp"
#include "train/train_pipeline.hpp"

namespace xbarmc::cli {
namespace {

struct TrainArgs {
  std::string method = "avg_8x8";
  int weight_bits = 4;
  bool qat = false;
  int qat_epochs = 30;
  double noise_aware = 0.0;
  std::string data_dir = kDefaultDataDir;
  int epochs = 60;
  int projection_epochs = 15;
  std::uint64_t seed = 0;
  std::string spacing = "log";
  std::string layout = "interleaved";
  double r_on = 2.34e8;
  double r_off = 4.18e11;
  std::string out = "model.h5";
  bool quiet = false;
};

void print_cell(double v) {
  if (std::isnan(v)) {
    std::printf("  %8s", "-");
  } else {
    std::printf("  %8.4f", v);
  }
}

void print_table(const Model& m) {
  std::printf("%-6s  %8s  %8s  %8s\n", "stage", "train", "val", "test");
  const struct {
    const char* name;
    const SplitAccuracy& acc;
  } rows[] = {{"float", m.acc_float}, {"ptq", m.acc_ptq}, {"qat", m.acc_qat}};
  for (const auto& row : rows) {
    std::printf("%-6s", row.name);
    for (double v : row.acc) print_cell(v);
    std::printf("\n");
  }
}

void run_train(const TrainArgs& a) {
  TrainConfig config;
  config.method = parse_feature_method(a.method);
  config.mapping.weight_bits = a.weight_bits;
  config.mapping.r_on_ohm = a.r_on;
  config.mapping.r_off_ohm = a.r_off;
  config.mapping.spacing = a.spacing == "linear" ? Spacing::kLinear : Spacing::kLog;
  config.mapping.layout = a.layout == "blocked" ? Layout::kBlocked : Layout::kInterleaved;
  config.qat = a.qat;
  config.qat_epochs = a.qat_epochs;
  config.noise_aware_sigma = a.noise_aware;
  config.epochs = a.epochs;
  config.projection_epochs = a.projection_epochs;
  config.seed = a.seed;
  if (!a.quiet) {
    config.progress = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
  }
  validate_train_config(config);  // before reading 30 MB of images
  const std::filesystem::path out_dir = std::filesystem::path(a.out).parent_path();
  std::error_code ec;
  if (!out_dir.empty() && !std::filesystem::is_directory(out_dir, ec)) {
    throw UserError("cannot write " + a.out + ": directory " + out_dir.string() +
                    " does not exist");
  }
  const Dataset data = load_dataset(a.data_dir);
  if (!a.quiet) {
    std::printf("data %s: train %d, val %d, test %d images of %dx%d, %d classes\n",
                a.data_dir.c_str(), data.train.size(), data.val.size(), data.test.size(),
                data.train.images.rows, data.train.images.cols, data.n_classes);
  }
  const Model model = train_model(data, config);
  save_model(a.out, model);
  print_table(model);
  if (!a.quiet) std::printf("wrote %s\n", a.out.c_str());
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "train", "Train the on-chip layer on IDX images: features, float, PTQ and QAT");
  auto a = std::make_shared<TrainArgs>();
  sub->add_option("--method", a->method,
                  "feature method: avg_8x8, bilinear_8x8, max_8x8, proj_pca_64, proj_sup_64")
      ->capture_default_str();
  sub->add_option("--weight-bits", a->weight_bits, "bits per conductance level (1..8)")
      ->capture_default_str();
  sub->add_flag("--qat", a->qat, "fine-tune with quantization-aware training (STE)");
  sub->add_option("--qat-epochs", a->qat_epochs, "most QAT epochs (early stopping on val)")
      ->capture_default_str();
  sub->add_option("--noise-aware", a->noise_aware,
                  "sigma of multiplicative lognormal C2C noise in training forward passes")
      ->capture_default_str();
  sub->add_option("--data-dir", a->data_dir, "folder with the four IDX files (plain or .gz)")
      ->capture_default_str();
  sub->add_option("--epochs", a->epochs, "most float epochs (early stopping on val)")
      ->capture_default_str();
  sub->add_option("--projection-epochs", a->projection_epochs,
                  "most epochs of the proj_sup_64 projection")
      ->capture_default_str();
  sub->add_option("--seed", a->seed, "seed of every random stream")->capture_default_str();
  sub->add_option("--spacing", a->spacing, "conductance level spacing")
      ->check(CLI::IsMember({"log", "linear"}))
      ->capture_default_str();
  sub->add_option("--layout", a->layout, "physical column layout")
      ->check(CLI::IsMember({"interleaved", "blocked"}))
      ->capture_default_str();
  sub->add_option("--r-on", a->r_on, "on resistance, ohm")->capture_default_str();
  sub->add_option("--r-off", a->r_off, "off resistance, ohm")->capture_default_str();
  sub->add_option("--out", a->out, "model file (HDF5)")->capture_default_str();
  sub->add_flag("--quiet", a->quiet, "print only the accuracy table");
  // Under mpirun: rank 0 trains and writes the model, the other ranks exit 0 silently.
  sub->callback([a] { study::run_study_command([&] { run_train(*a); }); });
}

}  // namespace xbarmc::cli
