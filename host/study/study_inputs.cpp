#include "study/study_inputs.hpp"

#include <cmath>
#include <cstdlib>

#include "common/errors.hpp"
#include "engine/validate.hpp"
#include "features/feature_extractor.hpp"
#include "train/linear_trainer.hpp"

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
  in.g_target_s = model.g_target_s;
  in.features = split.features;
  in.labels = split.labels;
  in.image_ids = split.image_ids;
  in.times_s = c.times_s;
  in.device = c.device;
  in.readout = c.readout;
  in.neuron = c.neuron;
  in.seed = c.seed;
  if (in.g_target_s.size() != static_cast<std::size_t>(in.n_in) * in.n_cols()) {
    throw UserError(c.model_path + ": /mapping/g_target does not have n_in × 2·n_out values");
  }
  validate_read_noise_draws(in);  // before the calibration's work
  return in;
}

double linear_accuracy(const MatrixD& w, const SplitData& split) {
  const int n_in = w.cols;
  FeatureSet set;
  set.x.resize(split.size(), n_in);
  for (int img = 0; img < split.size(); ++img) {
    for (int i = 0; i < n_in; ++i) {
      set.x(img, i) = static_cast<double>(split.features[static_cast<std::size_t>(img) * n_in + i]);
    }
  }
  set.y = split.labels;
  Eigen::MatrixXd we(w.rows, w.cols);
  for (int j = 0; j < w.rows; ++j) {
    for (int i = 0; i < w.cols; ++i) we(j, i) = w(j, i);
  }
  return accuracy(we, set);
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
