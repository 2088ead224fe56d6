// The whole training run of `xbarmc train` (DESIGN §2.1–2.2, §2.7): fit the input
// method, train the float network (one layer, or hidden ReLU layers and an output
// layer, optionally with biases), quantize each layer (PTQ), optionally fine-tune with
// QAT (straight-through estimator) and noise-aware forward passes, and map.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "features/feature_spec.hpp"
#include "train/model.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {

struct TrainConfig {
  FeatureMethod method = FeatureMethod::kAvg8x8;
  MappingParams mapping;
  std::vector<int> hidden;  // hidden layer sizes, input side first; empty: one layer
  bool bias = false;        // every layer has a bias
  BiasMode bias_mode = BiasMode::kDigital;
  bool qat = false;
  int epochs = 60;             // float training: at most, early stopping on val
  int qat_epochs = 30;         // QAT fine-tuning: at most, early stopping on val
  int projection_epochs = 15;  // proj_sup_64's projection training: at most
  double noise_aware_sigma = 0.0;
  std::uint64_t seed = 0;
  std::function<void(const std::string&)> progress;  // per-epoch lines, may be empty
};

// Throws UserError naming the bad field.
void validate_train_config(const TrainConfig& config);

// Deterministic: the same data and config give bit-identical model contents.
Model train_model(const Dataset& data, const TrainConfig& config);

}  // namespace xbarmc
