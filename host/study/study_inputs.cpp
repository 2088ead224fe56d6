#include "study/study_inputs.hpp"

#include <cmath>
#include <cstdlib>

#include "common/errors.hpp"
#include "engine/network.hpp"
#include "engine/validate.hpp"
#include "features/feature_extractor.hpp"
#include "mapping/device_table.hpp"
#include "study/network_study.hpp"
#include "train/model_file.hpp"
#include "train/network.hpp"

namespace xbarmc::study {
namespace {

bool parse_positive(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v) || !(v > 0.0)) return false;
  *out = v;
  return true;
}

}  // namespace

SplitData load_split(const Dataset& data, const Model& model, const std::string& split,
                     std::int64_t images) {
  const bool test = split == "test";
  const LabelledImages& set = test ? data.test : data.val;
  if (images > set.size()) {
    throw UserError("--images " + std::to_string(images) + ": the " + split + " split of " +
                    data.dir + " has only " + std::to_string(set.size()) + " images");
  }
  const int n = images == 0 ? set.size() : static_cast<int>(images);
  const LabelledImages part = slice(set, 0, n);
  SplitData out;
  out.features = compute_features(model.features, part.images);
  out.labels = part.labels;
  // Val images sit after the train images in the training file.
  const std::uint32_t first =
      test ? kTestImageIdOffset : static_cast<std::uint32_t>(data.train.size());
  out.image_ids.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    out.image_ids[static_cast<std::size_t>(i)] = first + static_cast<std::uint32_t>(i);
  for (std::uint8_t y : out.labels) {
    if (y >= model.n_out()) {
      throw UserError(data.dir + ": label " + std::to_string(y) + " but the model has " +
                      std::to_string(model.n_out()) + " outputs");
    }
  }
  return out;
}

StudyInputs make_study_inputs(const Model& model, const SplitData& split, const McConfig& c) {
  StudyInputs in;
  in.n_in = model.n_in();
  in.n_out = model.n_out();
  in.layout = model.mapping.layout;
  in.mapping = model.mapping;
  if (is_network_study(model, c)) {
    in.layers = network_layers(model, c.model_path);
    in.array_rows = c.array_rows;
    in.array_cols = c.array_cols;
    if (!c.device_table.empty()) {
      const DeviceTable table =
          load_device_table(c.device_table, model.mapping.weight_bits, c.device);
      in.level_device = table.levels;
      in.level_read_sigma = table.read_sigma;
      for (std::size_t l = 0; l < in.layers.size(); ++l) {
        in.layers[l].levels_pos = model.layers[l].levels_pos;
        in.layers[l].levels_neg = model.layers[l].levels_neg;
      }
    }
  } else {
    in.g_target_s = single_layer_g_target(model);
  }
  in.features = split.features;
  in.labels = split.labels;
  in.image_ids = split.image_ids;
  in.times_s = c.times_s;
  in.device = c.device;
  in.readout = c.readout;
  in.neuron = c.neuron;
  in.seed = c.seed;
  if (in.layers.empty() &&
      in.g_target_s.size() != static_cast<std::size_t>(in.n_in) * in.n_cols()) {
    throw UserError(c.model_path + ": /mapping/g_target does not have n_in × 2·n_out values");
  }
  // Before the calibration's work: the read-noise counter and, for a network, its cut
  // into arrays and 32-bit cell keys.
  validate_read_noise_draws(in);
  if (!in.layers.empty()) make_network(in, false);
  return in;
}

Model load_study_model(const McConfig& c) {
  Model model = load_model(c.model_path);
  if (!c.device_table.empty()) {
    const DeviceTable table =
        load_device_table(c.device_table, model.mapping.weight_bits, c.device);
    model.mapping = with_device_table(model.mapping, table);
    map_deployed_weights(model);
  }
  return model;
}

double model_accuracy(const Model& model, ForwardWeights which, const SplitData& split) {
  return accuracy(model_network(model, which),
                  make_feature_set(split.features, model.n_in(), split.labels));
}

namespace {

// Comma-separated positive numbers; false when any is not one.
bool parse_positive_list(const std::string& text, std::vector<double>* out) {
  out->clear();
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = text.find(',', at);
    double v = 0.0;
    if (!parse_positive(
            text.substr(at, comma == std::string::npos ? std::string::npos : comma - at), &v)) {
      return false;
    }
    out->push_back(v);
    if (comma == std::string::npos) return true;
    at = comma + 1;
  }
}

}  // namespace

FullScaleChoice parse_full_scale(const std::string& text) {
  FullScaleChoice c;
  if (text == "calibrated") return c;
  if (text == "max") {
    c.mode = FullScaleMode::kMax;
    return c;
  }
  c.mode = FullScaleMode::kFixed;
  if (!parse_positive_list(text, &c.fixed_a)) {
    throw UserError("--full-scale '" + text +
                    "': expected calibrated, max, or currents in A > 0 (one, or one per layer)");
  }
  return c;
}

ThresholdChoice parse_threshold_ratio(const std::string& text) {
  ThresholdChoice c;
  if (text == "calibrate") return c;
  if (!parse_positive_list(text, &c.ratios)) {
    throw UserError("--threshold-ratio '" + text +
                    "': expected calibrate, or ratios > 0 (one, or one per layer)");
  }
  return c;
}

}  // namespace xbarmc::study
