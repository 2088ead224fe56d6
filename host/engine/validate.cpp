#include "engine/validate.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "common/errors.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {
namespace {

[[noreturn]] void fail(const char* option, double value, const char* requirement) {
  std::ostringstream msg;
  msg.precision(17);
  msg << "invalid " << option << " " << value << ": " << requirement;
  throw UserError(msg.str());
}

void require_non_negative(const char* option, double v) {
  if (!std::isfinite(v) || v < 0.0) fail(option, v, "must be a finite number >= 0");
}
void require_positive(const char* option, double v) {
  if (!std::isfinite(v) || v <= 0.0) fail(option, v, "must be a finite number > 0");
}
void require_probability(const char* option, double v) {
  if (!(v >= 0.0 && v <= 1.0)) fail(option, v, "must be a probability in [0, 1]");
}

}  // namespace

void validate_device(const DeviceParams& p) {
  require_non_negative("--d2d-sigma", p.d2d_sigma);
  require_non_negative("--a2a-sigma", p.a2a_sigma);
  require_non_negative("--c2c-sigma", p.c2c_sigma);
  require_probability("--p-stuck-on", p.p_stuck_on);
  require_probability("--p-stuck-off", p.p_stuck_off);
  if (p.p_stuck_on + p.p_stuck_off > 1.0) {
    fail("--p-stuck-on", p.p_stuck_on, "--p-stuck-on + --p-stuck-off must not exceed 1");
  }
  if (!std::isfinite(p.nu_mean)) fail("--nu-mean", p.nu_mean, "must be finite");
  require_non_negative("--nu-std", p.nu_std);
  require_non_negative("--drift-spread", p.drift_spread);
  require_positive("--t0", p.t0_s);
  require_non_negative("--r-wl", p.r_wl_ohm);
  require_non_negative("--r-bl", p.r_bl_ohm);
  require_non_negative("--read-sigma", p.read_sigma);
  require_non_negative("--read-sigma-abs", p.read_sigma_abs_a);
}

void validate_readout(const ReadoutParams& r, bool require_full_scale) {
  if (r.timesteps < 1 || r.timesteps > kMaxTimesteps) {
    fail("--timesteps", r.timesteps, "must be an integer in [1, 4096]");
  }
  require_positive("--v-read", r.v_read_v);
  if (r.dac_bits < 0 || r.dac_bits > kMaxDacBits) {
    fail("--dac-bits", r.dac_bits, "must be in [0, 16] (0 = ideal DAC)");
  }
  if (r.adc_bits < 0 || r.adc_bits > kMaxAdcBits) {
    fail("--adc-bits", r.adc_bits, "must be in [0, 16] (0 = ideal ADC)");
  }
  if (r.scheme == Scheme::kA && r.adc_bits == 1) {
    fail("--adc-bits", r.adc_bits, "scheme A needs at least 2 bits (sign + magnitude) or 0");
  }
  if (require_full_scale) require_positive("--full-scale", r.i_fs_a);
}

void validate_neuron(const NeuronParams& n) {
  if (!(n.leak > 0.0 && n.leak <= 1.0)) fail("--leak", n.leak, "must be in (0, 1]");
  require_positive("--threshold-ratio", n.threshold);
}

void validate_times(const std::vector<double>& times_s) {
  for (double t : times_s) {
    if (!std::isfinite(t) || t < 0.0) fail("--times", t, "times must be finite and >= 0 s");
  }
}

void validate_read_noise_draws(const StudyInputs& in) {
  // The read-noise normals of one (chip, image) are numbered (time·T + t)·n_ch + ch, a
  // 32-bit counter (read_noise_index, xbarmc/readout.hpp). A network's channels are
  // checked where it is cut into arrays (engine/network.cpp).
  if (!in.layers.empty()) return;
  const bool noisy = make_read_constants(in.device, in.readout).noisy;
  const long long draws = static_cast<long long>(in.n_times()) * in.readout.timesteps * in.n_cols();
  if (noisy && draws > (1LL << 32)) {
    throw UserError("--times: " + std::to_string(in.n_times()) + " times x " +
                    std::to_string(in.readout.timesteps) + " timesteps x " +
                    std::to_string(in.n_cols()) + " columns = " + std::to_string(draws) +
                    " read-noise draws per chip and image, at most 2^32 (fewer times or "
                    "timesteps)");
  }
}

void validate_study_inputs(const StudyInputs& in, std::uint64_t chip_begin,
                           std::uint64_t chip_end) {
  validate_device(in.device);
  validate_readout(in.readout, in.layers.empty());
  NeuronParams n = in.neuron;
  if (!in.layers.empty()) n.threshold = 1.0;  // per layer, checked below
  validate_neuron(n);
  validate_times(in.times_s);
  for (std::size_t l = 0; l < in.layers.size(); ++l) {
    const std::string layer = " (layer " + std::to_string(l) + ")";
    const LayerInputs& li = in.layers[l];
    if (!std::isfinite(li.i_fs_a) || li.i_fs_a <= 0.0)
      fail(("--full-scale" + layer).c_str(), li.i_fs_a, "must be a finite number > 0");
    if (!std::isfinite(li.threshold) || li.threshold <= 0.0)
      fail(("threshold" + layer).c_str(), li.threshold, "must be a finite number > 0");
  }
  const int n_in = in.layers.empty() ? in.n_in : in.layers.front().n_in;
  const int n_out = in.layers.empty() ? in.n_out : in.layers.back().n_out;
  const auto n_images = in.labels.size();
  if (n_in < 1 || n_out < 1) throw InternalError("engine: empty crossbar");
  if (in.layers.empty() && in.g_target_s.size() != static_cast<std::size_t>(in.n_in) *
                                                       static_cast<std::size_t>(in.n_cols())) {
    throw InternalError("engine: g_target_s is not n_in x 2*n_out");
  }
  if (in.n_in != n_in) throw InternalError("engine: n_in differs from the first layer's inputs");
  if (in.features.size() != n_images * static_cast<std::size_t>(n_in) ||
      in.image_ids.size() != n_images) {
    throw InternalError("engine: features/image_ids do not match labels");
  }
  for (std::uint8_t label : in.labels) {
    if (label >= n_out) throw InternalError("engine: label outside [0, n_out)");
  }
  if (chip_begin > chip_end || chip_end > kMaxChips) {
    throw InternalError("engine: chip range must lie in [0, 2^32)");
  }
  validate_read_noise_draws(in);
}

}  // namespace xbarmc
