// What the mc studies of one command share (DESIGN §2.9: a budget or a tolerance search
// runs many studies that differ only in their device settings): the model and the data,
// loaded once; one engine, so that what it keeps between calls (the CPU engine's input
// plan: the spikes depend on the inputs only) is built once; and the resolved readout
// (I_fs and θ, calibrated on the nominal chip, which no device setting touches) and the
// reference accuracies, computed once per readout. A study run with a cache computes
// exactly what it computes without one; run_mc_study without a cache uses a fresh one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "data/dataset.hpp"
#include "engine/engine.hpp"
#include "engine/network_calibration.hpp"
#include "stats/yield_spec.hpp"
#include "study/mc_config.hpp"
#include "study/study_inputs.hpp"
#include "train/model.hpp"

namespace xbarmc::study {

// A study's inputs with I_fs and θ resolved on the nominal chip over val (DESIGN §2.5,
// §2.7), and the reference accuracies on the study's own images.
struct PreparedStudy {
  StudyInputs in;
  double threshold_ratio = 0.0;  // the output layer's r
  NetworkCalibration network;    // per layer; empty for the one-layer chip
  ReferenceAccuracies refs;
};

class StudyCache {
 public:
  StudyCache();
  ~StudyCache();
  StudyCache(const StudyCache&) = delete;
  StudyCache& operator=(const StudyCache&) = delete;

  // c's model (load_study_model: mapped onto c.device_table's levels when it names one).
  const Model& model(const McConfig& c);
  const std::string& model_checksum(const std::string& path);
  // The first `images` images (0 = all) of `split` of c.data_dir, as c's model sees them.
  const SplitData& split(const McConfig& c, const std::string& split, std::int64_t images);
  // The engine of c.backend and c.threads, made on first use and then kept. `note`
  // (may be null) receives make_engine's remark the first time.
  Engine& engine(const McConfig& c, std::string* note);

  // The study's inputs, readout and references: calibrated the first time a readout is
  // asked for, then reused (the key leaves out the device settings that the nominal
  // chip does not see).
  PreparedStudy prepare(const McConfig& c);

  int calibrations() const { return calibrations_; }  // for tests: readouts resolved

 private:
  struct Resolved;
  std::map<std::string, std::unique_ptr<Model>> models_;
  std::map<std::string, std::string> checksums_;
  std::map<std::string, std::unique_ptr<Dataset>> datasets_;
  std::map<std::string, std::unique_ptr<SplitData>> splits_;
  std::map<std::string, std::unique_ptr<Engine>> engines_;
  std::map<std::string, std::unique_ptr<Resolved>> readouts_;
  std::map<std::string, ReferenceAccuracies> refs_;
  int calibrations_ = 0;
};

// The key of everything the nominal chip's calibration depends on: the study's
// settings with the device's variation, noise, drift and IR-drop taken out (any other
// setting, including ones added later, stays in it).
std::string readout_key(const McConfig& c, const std::string& model_checksum);

// An Engine that forwards to one it does not own (a cache's, wrapped per study).
std::unique_ptr<Engine> borrow_engine(Engine& engine);

}  // namespace xbarmc::study
