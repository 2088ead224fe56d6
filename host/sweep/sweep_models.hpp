// The models of a sweep: one trained model per (method, weight bits, hidden layers),
// trained once and cached as <dir>/<method>-w<bits>[-h<sizes>][-bias|-rowbias][-qat].h5
// (e.g. raw-w4-h256-64-bias.h5) beside a key file of the training settings (like
// `xbarmc run`'s cache): reused while the key matches, retrained otherwise. The key and
// name of a one-layer model without bias are those of before networks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace xbarmc::study {

struct SweepTraining {
  std::string data_dir;
  bool qat = false;
  bool bias = false;  // every layer has a bias
  std::string bias_mode = "digital";
  int epochs = 60;
  std::uint64_t seed = 0;
  bool quiet = false;
  std::string dir;  // cache folder, made when missing
};

class SweepModels {
 public:
  explicit SweepModels(SweepTraining training);
  ~SweepModels();
  SweepModels(const SweepModels&) = delete;
  SweepModels& operator=(const SweepModels&) = delete;

  std::string path_for(const std::string& method, int weight_bits,
                       const std::vector<int>& hidden) const;
  // The model file for (method, bits, hidden): the cached one when its key matches, else
  // trained now (the data set is read once, on the first training).
  std::string ensure(const std::string& method, int weight_bits, const std::vector<int>& hidden);

 private:
  std::string key_for(const std::string& method, int weight_bits,
                      const std::vector<int>& hidden) const;
  SweepTraining training_;
  std::unique_ptr<Dataset> data_;
};

}  // namespace xbarmc::study
