#include "sweep/sweep_models.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "common/errors.hpp"
#include "mapping/layer_mapping.hpp"
#include "sweep/sweep_selection.hpp"
#include "train/model_cache.hpp"
#include "train/model_file.hpp"
#include "train/train_pipeline.hpp"

namespace xbarmc::study {
namespace {

namespace fs = std::filesystem;

}  // namespace

SweepModels::SweepModels(SweepTraining training) : training_(std::move(training)) {}
SweepModels::~SweepModels() = default;

std::string SweepModels::path_for(const std::string& method, int weight_bits,
                                  const std::vector<int>& hidden) const {
  std::string name = method + "-w" + std::to_string(weight_bits);
  if (!hidden.empty()) {
    std::string sizes = hidden_text(hidden);
    std::replace(sizes.begin(), sizes.end(), ',', '-');
    name += "-h" + sizes;
  }
  if (training_.bias) name += training_.bias_mode == "row" ? "-rowbias" : "-bias";
  return (fs::path(training_.dir) / (name + (training_.qat ? "-qat" : "") + ".h5")).string();
}

std::string SweepModels::key_for(const std::string& method, int weight_bits,
                                 const std::vector<int>& hidden) const {
  std::ostringstream k;
  k << "method = " << method << "\nweight-bits = " << weight_bits
    << "\nqat = " << (training_.qat ? "true" : "false") << "\nepochs = " << training_.epochs
    << "\nseed = " << training_.seed << "\ndata-dir = " << training_.data_dir << "\n";
  // Network settings only when set, so that a one-layer model keeps its key.
  if (!hidden.empty()) k << "hidden = " << hidden_text(hidden) << "\n";
  if (training_.bias) k << "bias = true\nbias-mode = " << training_.bias_mode << "\n";
  return k.str();
}

std::string SweepModels::ensure(const std::string& method, int weight_bits,
                                const std::vector<int>& hidden) {
  const std::string path = path_for(method, weight_bits, hidden);
  const std::string key = key_for(method, weight_bits, hidden);
  if (model_cache_matches(path, key)) return path;

  TrainConfig config;
  config.method = parse_feature_method(method);
  config.mapping.weight_bits = weight_bits;
  config.hidden = hidden;
  config.bias = training_.bias;
  config.bias_mode = parse_bias_mode(training_.bias_mode);
  config.qat = training_.qat;
  config.epochs = training_.epochs;
  config.seed = training_.seed;
  validate_train_config(config);
  // The data first: a bad --data-dir must not leave an empty model folder behind.
  if (!data_) data_ = std::make_unique<Dataset>(load_dataset(training_.data_dir));
  std::error_code ec;
  fs::create_directories(training_.dir, ec);
  if (!fs::is_directory(training_.dir, ec)) {
    throw UserError("cannot make the model folder " + training_.dir);
  }
  if (!training_.quiet) {
    std::fprintf(stderr, "sweep: training %s%s%s (%d-bit weights%s%s)\n", method.c_str(),
                 hidden.empty() ? "" : ", hidden ",
                 hidden.empty() ? "" : hidden_text(hidden).c_str(), weight_bits,
                 training_.bias ? ", biases" : "", training_.qat ? ", QAT" : "");
  }
  save_model(path, train_model(*data_, config));
  record_model_cache_key(path, key);
  return path;
}

}  // namespace xbarmc::study
