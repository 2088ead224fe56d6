// The models of a sweep: one trained model per (method, weight bits), trained once and
// cached as <dir>/<method>-w<bits>[-qat].h5 beside a key file of the training settings
// (like `xbarmc run`'s cache): reused while the key matches, retrained otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "data/dataset.hpp"

namespace xbarmc::study {

struct SweepTraining {
  std::string data_dir;
  bool qat = false;
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

  std::string path_for(const std::string& method, int weight_bits) const;
  // The model file for (method, bits): the cached one when its key matches, else trained
  // now (the data set is read once, on the first training).
  std::string ensure(const std::string& method, int weight_bits);

 private:
  std::string key_for(const std::string& method, int weight_bits) const;
  SweepTraining training_;
  std::unique_ptr<Dataset> data_;
};

}  // namespace xbarmc::study
