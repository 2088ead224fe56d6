// From a model and a data set to the engine's plain inputs (engine/engine.hpp): the
// split's features, labels and input-stream keys, the mapped conductances and the
// settings; plus the noiseless linear reference accuracies of the study's split.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/matrix.hpp"
#include "data/dataset.hpp"
#include "engine/engine.hpp"
#include "engine/network_calibration.hpp"
#include "study/mc_config.hpp"
#include "train/model.hpp"
#include "train/network.hpp"

namespace xbarmc::study {

// Input-spike streams are keyed by the image's index in its IDX file; test images
// are offset by 2^31 so that no val and test image share a stream.
constexpr std::uint32_t kTestImageIdOffset = 0x80000000u;

struct SplitData {
  std::vector<float> features;  // [n × n_in]
  std::vector<std::uint8_t> labels;
  std::vector<std::uint32_t> image_ids;
  int size() const { return static_cast<int>(labels.size()); }
};

// The first `images` images of split "val" or "test" (0 = all). Throws UserError
// when more images are asked for than the split holds.
SplitData load_split(const Dataset& data, const Model& model, const std::string& split,
                     std::int64_t images);

// The engine inputs for `split`; full scale and threshold are left unresolved.
StudyInputs make_study_inputs(const Model& model, const SplitData& split, const McConfig& c);
// The study's model: c.model_path, mapped again onto a measured level table's
// conductances when c.device_table names one (DESIGN §2.8: the nearest-level rule, W_q
// and the targets all use the table's g_s).
Model load_study_model(const McConfig& c);

// The accuracy of the model's float network, or of its mapped one (every W_l replaced by
// W_q,l, biases exact: DESIGN §2.7's "mapped" reference), on `split`.
double model_accuracy(const Model& model, ForwardWeights which, const SplitData& split);

// --full-scale: "calibrated", "max" or currents in A (> 0), one or one per layer, comma
// separated; --threshold-ratio: "calibrate" or ratios (> 0), one (the output layer's)
// or one per layer. Throw UserError naming the value.
FullScaleChoice parse_full_scale(const std::string& text);
ThresholdChoice parse_threshold_ratio(const std::string& text);

}  // namespace xbarmc::study
