#include "engine/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/errors.hpp"
#include "common/percentile.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/validate.hpp"
#include "xbarmc/encoding.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {

StudyInputs nominal_inputs(const StudyInputs& in) {
  StudyInputs n = in;
  n.device = DeviceParams{};
  n.level_device.clear();  // a measured table's levels stay (mapping), its statistics go
  n.level_read_sigma = false;
  n.times_s = {0.0};
  return n;
}

std::vector<double> nominal_pooled_currents(const StudyInputs& in) {
  validate_readout(in.readout, false);
  const int n_in = in.n_in, n_out = in.n_out, n_cols = in.n_cols(), steps = in.readout.timesteps;
  const bool scheme_a = in.readout.scheme == Scheme::kA;
  const int per_step = scheme_a ? n_out : n_cols;
  std::vector<double> pooled(static_cast<std::size_t>(in.n_images()) * steps * per_step);
#pragma omp parallel for schedule(static)
  for (int image = 0; image < in.n_images(); ++image) {
    const float* x = in.features.data() + static_cast<std::size_t>(image) * n_in;
    std::vector<double> s(static_cast<std::size_t>(n_in)),
        current(static_cast<std::size_t>(n_cols));
    for (int t = 0; t < steps; ++t) {
      for (int i = 0; i < n_in; ++i) {
        s[i] = input_activation(in.readout, in.seed, in.image_ids[image], t, i, x[i]);
      }
      for (int c = 0; c < n_cols; ++c) {
        double sum = 0.0;
        for (int i = 0; i < n_in; ++i)
          sum += s[i] * in.g_target_s[static_cast<std::size_t>(i) * n_cols + c];
        current[c] = in.readout.v_read_v * sum;
      }
      double* dst = pooled.data() + (static_cast<std::size_t>(image) * steps + t) * per_step;
      for (int k = 0; k < per_step; ++k) {
        dst[k] = scheme_a ? std::fabs(current[column_pos(in.layout, k, n_out)] -
                                      current[column_neg(in.layout, k, n_out)])
                          : current[k];
      }
    }
  }
  return pooled;
}

double calibrated_full_scale(const StudyInputs& in) {
  std::vector<double> pooled = nominal_pooled_currents(in);
  if (pooled.empty()) throw UserError("--full-scale calibrated: no images to calibrate on");
  const double fs = percentile_linear(std::move(pooled), 99.9);
  if (!(fs > 0.0)) {
    throw UserError(
        "--full-scale calibrated: the p99.9 column current of the nominal chip is 0 "
        "(all inputs zero?); give a fixed full scale in A");
  }
  return fs;
}

double max_full_scale(const StudyInputs& in) {
  const int n_cols = in.n_cols();
  double best = 0.0;
  for (int c = 0; c < n_cols; ++c) {
    double sum = 0.0;
    for (int i = 0; i < in.n_in; ++i)
      sum += in.g_target_s[static_cast<std::size_t>(i) * n_cols + c];
    best = std::max(best, in.readout.v_read_v * sum);
  }
  return best;
}

NominalResult evaluate_nominal(const StudyInputs& in, int threads) {
  const StudyInputs nominal = nominal_inputs(in);
  CpuEngine engine(threads);
  ChipBatchResult r;
  engine.run(nominal, 0, 1, r);
  NominalResult out;
  out.correct = r.correct[0];
  out.no_spike = r.no_spike[0];
  out.saturated = r.saturated[0];
  out.accuracy = in.n_images() > 0 ? static_cast<double>(out.correct) / in.n_images() : 0.0;
  return out;
}

double threshold_reference(const ReadoutParams& r) {
  return code_full_scale(r.scheme, r.adc_bits);
}

const std::vector<double>& default_threshold_candidates() {
  static const std::vector<double> c{0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0};
  return c;
}

ThresholdCalibration calibrate_threshold(const StudyInputs& in,
                                         const std::vector<double>& candidates, int threads) {
  if (candidates.empty()) throw UserError("--threshold-ratio calibrate: no candidate ratios");
  StudyInputs nominal = nominal_inputs(in);
  CpuEngine engine(threads);  // one engine: the input spikes are built once
  ThresholdCalibration cal;
  std::uint32_t best_correct = 0;
  for (double ratio : candidates) {
    nominal.neuron.threshold = ratio * threshold_reference(in.readout);
    ChipBatchResult r;
    engine.run(nominal, 0, 1, r);
    cal.ratios.push_back(ratio);
    cal.accuracy.push_back(in.n_images() > 0 ? static_cast<double>(r.correct[0]) / in.n_images()
                                             : 0.0);
    const bool better = cal.ratios.size() == 1 || r.correct[0] > best_correct ||
                        (r.correct[0] == best_correct && ratio < cal.ratio);
    if (better) {
      best_correct = r.correct[0];
      cal.ratio = ratio;
    }
  }
  cal.threshold = cal.ratio * threshold_reference(in.readout);
  return cal;
}

}  // namespace xbarmc
