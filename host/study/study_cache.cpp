#include "study/study_cache.hpp"

#include <utility>

#include "backend/backend.hpp"
#include "common/errors.hpp"
#include "engine/calibration.hpp"
#include "results/provenance.hpp"
#include "study/network_study.hpp"
#include "train/model_file.hpp"

namespace xbarmc::study {
namespace {

// The one-layer chip's I_fs and θ (DESIGN §2.5: both on the nominal chip over val).
NetworkCalibration resolve_single_layer(const McConfig& c, StudyInputs val, int threads) {
  const FullScaleChoice fs = parse_full_scale(c.full_scale);
  const ThresholdChoice th = parse_threshold_ratio(c.threshold_ratio);
  if (fs.fixed_a.size() > 1 || th.ratios.size() > 1) {
    throw UserError(std::string(fs.fixed_a.size() > 1 ? "--full-scale" : "--threshold-ratio") +
                    ": several values for a model of one layer (give one)");
  }
  LayerCalibration k;
  switch (fs.mode) {
    case FullScaleMode::kCalibrated:
      k.i_fs_a = calibrated_full_scale(val);
      break;
    case FullScaleMode::kMax:
      k.i_fs_a = max_full_scale(val);
      break;
    case FullScaleMode::kFixed:
      k.i_fs_a = fs.fixed_a[0];
      break;
  }
  val.readout.i_fs_a = k.i_fs_a;
  if (!th.ratios.empty()) {
    k.ratio = th.ratios[0];
    k.threshold = k.ratio * threshold_reference(val.readout);
  } else {
    const ThresholdCalibration cal =
        calibrate_threshold(val, default_threshold_candidates(), threads);
    k.ratio = cal.ratio;
    k.threshold = cal.threshold;
  }
  NetworkCalibration out;
  out.layers.push_back(k);
  return out;
}

class BorrowedEngine final : public Engine {
 public:
  explicit BorrowedEngine(Engine& e) : e_(e) {}
  std::string name() const override { return e_.name(); }
  std::string device_name() const override { return e_.device_name(); }
  void run(const StudyInputs& in, std::uint64_t begin, std::uint64_t end,
           ChipBatchResult& out) override {
    e_.run(in, begin, end, out);
  }
  std::uint64_t preferred_batch_chips() const override { return e_.preferred_batch_chips(); }

 private:
  Engine& e_;
};

}  // namespace

// A resolved readout: the one-layer chip keeps its one layer in `cal` too.
struct StudyCache::Resolved {
  NetworkCalibration cal;
  bool network = false;
};

StudyCache::StudyCache() = default;
StudyCache::~StudyCache() = default;

const Model& StudyCache::model(const McConfig& c) {
  std::unique_ptr<Model>& m = models_[c.model_path + "\n" + c.device_table];
  if (!m) m = std::make_unique<Model>(load_study_model(c));
  return *m;
}

const std::string& StudyCache::model_checksum(const std::string& path) {
  auto it = checksums_.find(path);
  if (it == checksums_.end()) it = checksums_.emplace(path, file_checksum(path)).first;
  return it->second;
}

const SplitData& StudyCache::split(const McConfig& c, const std::string& split,
                                   std::int64_t images) {
  std::unique_ptr<SplitData>& s = splits_[c.model_path + "\n" + c.device_table + "\n" + c.data_dir +
                                          "\n" + split + "\n" + std::to_string(images)];
  if (!s) {
    std::unique_ptr<Dataset>& d = datasets_[c.data_dir];
    if (!d) d = std::make_unique<Dataset>(load_dataset(c.data_dir));
    s = std::make_unique<SplitData>(load_split(*d, model(c), split, images));
  }
  return *s;
}

Engine& StudyCache::engine(const McConfig& c, std::string* note) {
  std::unique_ptr<Engine>& e = engines_[c.backend + "/" + std::to_string(c.threads)];
  if (!e) e = make_engine(parse_backend(c.backend), c.threads, note);
  return *e;
}

PreparedStudy StudyCache::prepare(const McConfig& c) {
  const Model& m = model(c);
  PreparedStudy p;
  p.in = make_study_inputs(m, split(c, c.split, c.images), c);
  const std::string key = readout_key(c, model_checksum(c.model_path));
  std::unique_ptr<Resolved>& r = readouts_[key];
  if (!r) {
    const StudyInputs val = make_study_inputs(m, split(c, "val", 0), c);
    auto resolved = std::make_unique<Resolved>();
    resolved->network = !p.in.layers.empty();
    resolved->cal = resolved->network ? resolve_network_readout(c, val, p.in, c.threads)
                                      : resolve_single_layer(c, val, c.threads);
    r = std::move(resolved);
    ++calibrations_;
  }
  p.network = r->network ? r->cal : NetworkCalibration{};
  for (std::size_t l = 0; l < p.in.layers.size(); ++l) {
    p.in.layers[l].i_fs_a = r->cal.layers[l].i_fs_a;
    p.in.layers[l].threshold = r->cal.layers[l].threshold;
  }
  const LayerCalibration& out = r->cal.layers.back();
  p.in.readout.i_fs_a = out.i_fs_a;
  p.in.neuron.threshold = out.threshold;
  p.threshold_ratio = out.ratio;

  const std::string images = "\n" + c.split + "\n" + std::to_string(c.images);
  auto ref = refs_.find(key + images);
  if (ref == refs_.end()) {
    ReferenceAccuracies a;
    const SplitData& s = split(c, c.split, c.images);
    a.float_accuracy = model_accuracy(m, ForwardWeights::kFloat, s);
    a.mapped_accuracy = model_accuracy(m, ForwardWeights::kQuantized, s);
    a.nominal_accuracy = evaluate_nominal(p.in, c.threads).accuracy;
    ref = refs_.emplace(key + images, a).first;
  }
  p.refs = ref->second;
  return p;
}

std::string readout_key(const McConfig& c, const std::string& model_checksum) {
  McConfig k = c;
  DeviceParams& d = k.device;
  // The network form of a one-layer model (a2a ≠ 0) resolves through the network
  // calibration: the same numbers (DESIGN §2.7), but keyed apart all the same.
  const bool a2a = d.a2a_sigma != 0.0 || d.verify;
  d.verify = false;  // write-verify is variation: the nominal chip does not see it
  d.verify_tolerance = 0.0;
  d.verify_max_pulses = DeviceParams{}.verify_max_pulses;
  d.d2d_sigma = d.a2a_sigma = d.c2c_sigma = 0.0;
  d.c2c_model = DeviceParams{}.c2c_model;
  d.p_stuck_on = d.p_stuck_off = 0.0;
  d.nu_mean = d.nu_std = d.drift_spread = 0.0;
  d.t0_s = DeviceParams{}.t0_s;
  d.drift_compensation = false;
  d.ir_drop = IrDropModel::kNone;
  d.r_wl_ohm = DeviceParams{}.r_wl_ohm;
  d.r_bl_ohm = DeviceParams{}.r_bl_ohm;
  d.read_sigma = d.read_sigma_abs_a = 0.0;
  k.chips = 1;
  k.chips_from = k.chips_to = 0;
  k.split = "val";
  k.images = 0;
  k.times_s = {1.0};
  k.yield_specs = {};
  return study_toml(k, model_checksum) + (a2a ? "# network form\n" : "");
}

std::unique_ptr<Engine> borrow_engine(Engine& engine) {
  return std::make_unique<BorrowedEngine>(engine);
}

}  // namespace xbarmc::study
