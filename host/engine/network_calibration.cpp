#include "engine/network_calibration.hpp"

#include <omp.h>

#include <algorithm>
#include <memory>
#include <string>

#include "common/errors.hpp"
#include "common/percentile.hpp"
#include "engine/calibration.hpp"
#include "engine/network_inference.hpp"
#include "xbarmc/encoding.hpp"

namespace xbarmc {
namespace {

constexpr double kFullScalePercentile = 99.9;
constexpr double kRhoPercentile = 99.9;
constexpr int kImagesPerTask = 64;

// The ideal nominal chip of a network on the val images (G_target, no variation, drift,
// noise or IR-drop; one time), run with the layers' I_fs and θ as set so far.
class Nominal {
 public:
  Nominal(const StudyInputs& val, int threads)
      : in_(nominal_inputs(val)), threads_(threads > 0 ? threads : omp_get_max_threads()) {
    for (LayerInputs& l : in_.layers) {
      l.i_fs_a = 1.0;  // placeholders until set()
      l.threshold = 1.0;
    }
    build_input_plan(in_, plan_);
    net_ = std::make_unique<Network>(make_network(in_));
    NetworkChipScratch scratch;
    program_network_chip(in_, *net_, 0, scratch, chip_);
  }

  const StudyInputs& inputs() const { return in_; }
  const Network& network() const { return *net_; }
  const InputPlan& plan() const { return plan_; }
  int runs() const { return runs_; }

  void set(int l, double i_fs_a, double threshold) {
    LayerInputs& layer = in_.layers[static_cast<std::size_t>(l)];
    layer.i_fs_a = i_fs_a;
    layer.threshold = threshold;
    dirty_ = true;
  }

  // All images through the chip, or, with probes (one per thread), up to the probed layer.
  std::uint32_t run(const std::vector<LayerProbe*>& probes = {}) {
    if (dirty_) {
      net_ = std::make_unique<Network>(make_network(in_));
      dirty_ = false;
    }
    const simd::Kernels& k = simd::best_kernels();
    NetworkRunner runner(in_, *net_, plan_, k);
    std::vector<ArrayRows> arrays;
    NetworkChipScratch scratch;
    runner.read_chip(chip_, 0.0, scratch, arrays);
    const int n_images = in_.n_images();
    const int tasks = (n_images + kImagesPerTask - 1) / kImagesPerTask;
    std::uint32_t correct = 0;
    ++runs_;
#pragma omp parallel num_threads(threads_) reduction(+ : correct)
    {
      NetworkRunner::Workspace w;
      NetworkTally tally;
      tally.reset(net_->n_layers());
      LayerProbe* probe =
          probes.empty() ? nullptr : probes[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
      for (int task = 0; task < tasks; ++task) {
        const int begin = task * kImagesPerTask;
        runner.run_images(arrays, 0, 0, begin, std::min(n_images, begin + kImagesPerTask), w, tally,
                          probe);
      }
      correct += tally.correct;
    }
    return correct;
  }

  int threads() const {
    return threads_;
  }

 private:
  StudyInputs in_;
  int threads_;
  InputPlan plan_;
  std::unique_ptr<Network> net_;
  NetworkChip chip_;
  bool dirty_ = false;
  int runs_ = 0;
};

// Ideal currents of layer `l` for one step's inputs s (padded with zeros to the layer's
// row blocks), fed to `sink(value)`.
template <class Sink>
void layer_currents(const StudyInputs& in, const Network& net, int l, const float* s, Sink&& sink,
                    std::vector<double>& acc) {
  const NetworkLayer& layer = net.layers[static_cast<std::size_t>(l)];
  const bool scheme_a = in.readout.scheme == Scheme::kA;
  for (int ai = layer.first_array; ai < layer.first_array + layer.n_arrays; ++ai) {
    const ArrayPlacement& a = net.arrays[static_cast<std::size_t>(ai)];
    const std::vector<double>& g = net.array_g_target[static_cast<std::size_t>(ai)];
    acc.assign(static_cast<std::size_t>(a.cols), 0.0);
    for (int i = 0; i < a.rows_used; ++i) {
      const double si = s[a.row_begin + i];
      if (si == 0.0) continue;  // adds +0 to every sum: skipping changes no bit
      const double* row = g.data() + static_cast<std::size_t>(i) * a.cols;
      for (int c = 0; c < a.cols; ++c) acc[static_cast<std::size_t>(c)] += si * row[c];
    }
    for (int j = 0; j < a.outs_used; ++j) {
      const double i_pos =
          in.readout.v_read_v * acc[static_cast<std::size_t>(array_column_pos(in.layout, a, j))];
      const double i_neg =
          in.readout.v_read_v * acc[static_cast<std::size_t>(array_column_neg(in.layout, a, j))];
      if (scheme_a) {
        sink(std::fabs(i_pos - i_neg));
      } else {
        sink(i_pos);
        sink(i_neg);
      }
    }
  }
}

// Inputs of one step of layer l from its masks (or the analog activations of layer 0).
void step_inputs(const StudyInputs& in, const Network& net, const InputPlan& plan, int l, int image,
                 const std::uint64_t* mask, std::vector<float>& s) {
  const NetworkLayer& layer = net.layers[static_cast<std::size_t>(l)];
  s.assign(static_cast<std::size_t>(layer.row_blocks) * layer.array_rows, 0.0f);
  if (l == 0 && in.readout.encoding == Encoding::kDirect) {
    const float* x = plan.image_activations(image);
    std::copy(x, x + layer.in.n_in, s.begin());
    if (layer.in.bias_row) s[static_cast<std::size_t>(layer.in.n_in)] = 1.0f;
    return;
  }
  for (int i = 0; i < layer.in.rows(); ++i) {
    if ((mask[i / 64] >> (i % 64)) & 1u) s[static_cast<std::size_t>(i)] = 1.0f;
  }
}

// Pass one or two of the pooled ideal currents of a layer (its inputs from the probe).
class CurrentsProbe final : public LayerProbe {
 public:
  CurrentsProbe(const Nominal& nominal, int layer, TwoPassPercentile pct)
      : LayerProbe(layer, true), nominal_(nominal), pct_(std::move(pct)) {}
  void observe(int first, int n, const std::uint64_t* masks, int words, const float*) override {
    const int steps = nominal_.inputs().readout.timesteps;
    for (int g = 0; g < n; ++g) {
      for (int t = 0; t < steps; ++t) {
        step_inputs(nominal_.inputs(), nominal_.network(), nominal_.plan(), layer(), first + g,
                    masks + (static_cast<std::size_t>(g) * steps + t) * words, s_);
        layer_currents(
            nominal_.inputs(), nominal_.network(), layer(), s_.data(),
            [this](double v) { pct_.add(v); }, acc_);
      }
    }
  }
  TwoPassPercentile& percentile() { return pct_; }

 private:
  const Nominal& nominal_;
  TwoPassPercentile pct_;
  std::vector<float> s_;
  std::vector<double> acc_;
};

// Pass one or two of a hidden layer's positive per-step diffs.
class DiffsProbe final : public LayerProbe {
 public:
  DiffsProbe(int layer, int per_image, TwoPassPercentile pct)
      : LayerProbe(layer, false), per_image_(per_image), pct_(std::move(pct)) {}
  void observe(int, int n, const std::uint64_t*, int, const float* diffs) override {
    for (std::size_t e = 0; e < static_cast<std::size_t>(n) * per_image_; ++e) {
      if (diffs[e] > 0.0f) pct_.add(static_cast<double>(diffs[e]));
    }
  }
  TwoPassPercentile& percentile() { return pct_; }

 private:
  int per_image_;
  TwoPassPercentile pct_;
};

// Runs both passes of a percentile probe; returns false when no value was seen.
template <class Probe, class Make>
bool two_pass(Nominal& nominal, double q, Make make, double* out) {
  TwoPassPercentile total(q);
  for (int pass = 1; pass <= 2; ++pass) {
    std::vector<std::unique_ptr<Probe>> probes;
    std::vector<LayerProbe*> raw;
    for (int t = 0; t < nominal.threads(); ++t) {
      probes.push_back(make(total));
      raw.push_back(probes.back().get());
    }
    nominal.run(raw);
    for (auto& p : probes) total.merge(p->percentile());
    if (pass == 1 && !total.start_pass2()) return false;
  }
  *out = total.result();
  return true;
}

class Calibrator {
 public:
  Calibrator(const StudyInputs& val, const FullScaleChoice& fs, const ThresholdChoice& th,
             int threads)
      : nominal_(val, threads), fs_(fs), n_layers_(static_cast<int>(val.layers.size())) {
    const std::size_t L = val.layers.size();
    if (fs.mode == FullScaleMode::kFixed && fs.fixed_a.size() != 1 && fs.fixed_a.size() != L) {
      throw UserError("--full-scale: " + std::to_string(fs.fixed_a.size()) +
                      " values for a network of " + std::to_string(L) +
                      " layers (give one for every layer, or one per layer)");
    }
    if (!th.ratios.empty() && th.ratios.size() != 1 && th.ratios.size() != L) {
      throw UserError("--threshold-ratio: " + std::to_string(th.ratios.size()) +
                      " ratios for a network of " + std::to_string(L) +
                      " layers (give one for the output layer, or one per layer)");
    }
    layers_.resize(L);
    given_.assign(L, false);
    for (std::size_t l = 0; l < L; ++l) layers_[l].ratio = 1.0;
    if (th.ratios.size() == L) {
      for (std::size_t l = 0; l < L; ++l) {
        layers_[l].ratio = th.ratios[l];
        given_[l] = true;
      }
    } else if (th.ratios.size() == 1) {
      layers_.back().ratio = th.ratios[0];
      given_.back() = true;
    }
  }

  NetworkCalibration run() {
    const int L = n_layers_;
    resolve_from(0);
    if (!given_.back()) choose_ratio(L - 1);
    for (int l = 0; l + 1 < L; ++l) {
      if (!given_[static_cast<std::size_t>(l)]) choose_ratio(l);
    }
    if (!given_.back() && L > 1) choose_ratio(L - 1);
    NetworkCalibration out;
    out.layers = layers_;
    out.nominal_correct = nominal_.run();
    out.nominal_runs = nominal_.runs();
    return out;
  }

 private:
  // I_fs, ρ and θ of layers from..L−1, in order (each depends on the earlier ones).
  void resolve_from(int from) {
    for (int l = from; l < n_layers_; ++l) {
      LayerCalibration& c = layers_[static_cast<std::size_t>(l)];
      c.i_fs_a = full_scale(l);
      nominal_.set(l, c.i_fs_a, 1.0);
      c.rho = rho(l);
      c.threshold = c.ratio * c.rho;
      nominal_.set(l, c.i_fs_a, c.threshold);
    }
  }

  double full_scale(int l) {
    const StudyInputs& in = nominal_.inputs();
    const Network& net = nominal_.network();
    if (fs_.mode == FullScaleMode::kFixed)
      return fs_.fixed_a.size() == 1 ? fs_.fixed_a[0] : fs_.fixed_a[static_cast<std::size_t>(l)];
    if (fs_.mode == FullScaleMode::kMax) {
      std::vector<float> ones(
          static_cast<std::size_t>(net.layers[static_cast<std::size_t>(l)].row_blocks) *
              net.layers[static_cast<std::size_t>(l)].array_rows,
          0.0f);
      std::fill(ones.begin(), ones.begin() + net.layers[static_cast<std::size_t>(l)].in.rows(),
                1.0f);
      double best = 0.0;
      std::vector<double> acc;
      StudyInputs b = in;
      b.readout.scheme = Scheme::kB;  // every used column's own current
      layer_currents(
          b, net, l, ones.data(), [&best](double v) { best = std::max(best, v); }, acc);
      if (!(best > 0.0))
        throw UserError("--full-scale max: layer " + std::to_string(l) + " draws no current");
      return best;
    }
    double fs = 0.0;
    const bool any = two_pass<CurrentsProbe>(
        nominal_, kFullScalePercentile,
        [&](const TwoPassPercentile& p) { return std::make_unique<CurrentsProbe>(nominal_, l, p); },
        &fs);
    if (!any || !(fs > 0.0)) {
      throw UserError(
          "--full-scale calibrated: the p99.9 column current of layer " + std::to_string(l) +
          " on the nominal chip is 0 (no input spikes reach it?); give a fixed full scale in A");
    }
    return fs;
  }

  double rho(int l) {
    const StudyInputs& in = nominal_.inputs();
    const double theta_ref = threshold_reference(in.readout);
    if (l + 1 == n_layers_) return theta_ref;
    const int per_image = in.readout.timesteps * in.layers[static_cast<std::size_t>(l)].n_out;
    double value = 0.0;
    const bool any = two_pass<DiffsProbe>(
        nominal_, kRhoPercentile,
        [&](const TwoPassPercentile& p) { return std::make_unique<DiffsProbe>(l, per_image, p); },
        &value);
    return any && value > 0.0 ? value : theta_ref;
  }

  // r_l from the candidates by nominal val accuracy, the other layers fixed; later
  // layers' I_fs and ρ follow each candidate. Ties → the smaller ratio.
  void choose_ratio(int l) {
    double best_ratio = 0.0;
    std::uint32_t best_correct = 0;
    bool first = true;
    for (double r : default_threshold_candidates()) {
      set_ratio(l, r);
      const std::uint32_t correct = nominal_.run();
      if (first || correct > best_correct || (correct == best_correct && r < best_ratio)) {
        best_ratio = r;
        best_correct = correct;
        first = false;
      }
    }
    set_ratio(l, best_ratio);
  }

  void set_ratio(int l, double r) {
    LayerCalibration& c = layers_[static_cast<std::size_t>(l)];
    c.ratio = r;
    c.threshold = r * c.rho;
    nominal_.set(l, c.i_fs_a, c.threshold);
    resolve_from(l + 1);
  }

  Nominal nominal_;
  FullScaleChoice fs_;
  int n_layers_;
  std::vector<LayerCalibration> layers_;
  std::vector<bool> given_;
};

}  // namespace

NetworkCalibration calibrate_network(const StudyInputs& val, const FullScaleChoice& full_scale,
                                     const ThresholdChoice& thresholds, int threads) {
  if (val.layers.empty()) throw InternalError("calibrate_network: no layers");
  Calibrator c(val, full_scale, thresholds, threads);
  return c.run();
}

void nominal_layer_currents(const StudyInputs& in, int layer, const float* inputs,
                            std::vector<double>& out) {
  StudyInputs n = in;
  for (LayerInputs& l : n.layers) {
    l.i_fs_a = 1.0;
    l.threshold = 1.0;
  }
  const Network net = make_network(n);
  const NetworkLayer& nl = net.layers[static_cast<std::size_t>(layer)];
  std::vector<float> s(static_cast<std::size_t>(nl.row_blocks) * nl.array_rows, 0.0f);
  std::copy(inputs, inputs + nl.in.rows(), s.begin());
  out.clear();
  std::vector<double> acc;
  layer_currents(
      n, net, layer, s.data(), [&out](double v) { out.push_back(v); }, acc);
}

}  // namespace xbarmc
