#include "study/mc_config.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "common/errors.hpp"
#include "common/number_text.hpp"
#include "engine/validate.hpp"
#include "results/provenance.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

template <class T, class F>
std::string array(const std::vector<T>& values, F format) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + format(values[i]);
  return out + "]";
}

}  // namespace

const char* c2c_model_name(C2cModel m) {
  return m == C2cModel::kGaussian ? "gaussian" : "lognormal";
}
const char* ir_drop_name(IrDropModel m) {
  switch (m) {
    case IrDropModel::kFirstOrder:
      return "first_order";
    case IrDropModel::kNodal:
      return "nodal";
    case IrDropModel::kNone:
      break;
  }
  return "none";
}
const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kDeterministic:
      return "deterministic";
    case Encoding::kDirect:
      return "direct";
    case Encoding::kRate:
      break;
  }
  return "rate";
}
const char* scheme_name(Scheme s) {
  return s == Scheme::kA ? "A" : "B";
}
const char* reset_name(Reset r) {
  return r == Reset::kZero ? "zero" : "subtract";
}

std::string study_toml(const McConfig& c, const std::string& model_checksum) {
  const DeviceParams& d = c.device;
  const ReadoutParams& r = c.readout;
  const NeuronParams& n = c.neuron;
  std::ostringstream t;
  t << "model = " << quoted(c.model_path) << "\n"
    << "# model file checksum (FNV-1a 64): " << model_checksum << "\n"
    << "data-dir = " << quoted(c.data_dir) << "\n"
    << "chips = " << c.chips << "\n"
    << "chips-from = " << c.chips_from << "\n"
    << "chips-to = " << chip_range_end(c) << "\n"
    << "split = " << quoted(c.split) << "\n"
    << "images = " << c.images << "\n"
    << "times = " << array(c.times_s, round_trip_text) << "\n"
    << "seed = " << c.seed << "\n"
    << "yield-spec = " << array(c.yield_specs, quoted) << "\n"
    << "d2d-sigma = " << round_trip_text(d.d2d_sigma) << "\n"
    << "c2c-sigma = " << round_trip_text(d.c2c_sigma) << "\n"
    << "c2c-model = " << quoted(c2c_model_name(d.c2c_model)) << "\n"
    << "p-stuck-on = " << round_trip_text(d.p_stuck_on) << "\n"
    << "p-stuck-off = " << round_trip_text(d.p_stuck_off) << "\n"
    << "nu-mean = " << round_trip_text(d.nu_mean) << "\n"
    << "nu-std = " << round_trip_text(d.nu_std) << "\n"
    << "drift-spread = " << round_trip_text(d.drift_spread) << "\n"
    << "t0 = " << round_trip_text(d.t0_s) << "\n"
    << "drift-compensation = " << (d.drift_compensation ? "true" : "false") << "\n"
    << "ir-drop = " << quoted(ir_drop_name(d.ir_drop)) << "\n"
    << "r-wl = " << round_trip_text(d.r_wl_ohm) << "\n"
    << "r-bl = " << round_trip_text(d.r_bl_ohm) << "\n"
    << "read-sigma = " << round_trip_text(d.read_sigma) << "\n"
    << "read-sigma-abs = " << round_trip_text(d.read_sigma_abs_a) << "\n"
    << "encoding = " << quoted(encoding_name(r.encoding)) << "\n"
    << "timesteps = " << r.timesteps << "\n"
    << "v-read = " << round_trip_text(r.v_read_v) << "\n"
    << "dac-bits = " << r.dac_bits << "\n"
    << "scheme = " << quoted(scheme_name(r.scheme)) << "\n"
    << "adc-bits = " << r.adc_bits << "\n"
    << "full-scale = " << quoted(c.full_scale) << "\n"
    << "reset = " << quoted(reset_name(n.reset)) << "\n"
    << "leak = " << round_trip_text(n.leak) << "\n"
    << "threshold-ratio = " << quoted(c.threshold_ratio) << "\n";
  // Settings newer than the one-layer chip's, written only when they are not the
  // default, so that a study of today keeps the key it had (and resumes its files).
  if (d.a2a_sigma != 0.0) t << "a2a-sigma = " << round_trip_text(d.a2a_sigma) << "\n";
  if (c.array_rows != 0) t << "array-rows = " << c.array_rows << "\n";
  if (c.array_cols != 0) t << "array-cols = " << c.array_cols << "\n";
  if (!c.device_table.empty()) {
    t << "device-table = " << quoted(c.device_table) << "\n"
      << "# device table checksum (FNV-1a 64): " << file_checksum(c.device_table) << "\n";
  }
  if (d.verify) {
    t << "verify-tolerance = " << round_trip_text(d.verify_tolerance) << "\n"
      << "verify-max-pulses = " << d.verify_max_pulses << "\n";
  }
  return t.str();
}

std::string full_toml(const McConfig& c, const std::string& model_checksum) {
  std::ostringstream t;
  t << "# xbarmc mc: the study's settings (they define the results)\n"
    << study_toml(c, model_checksum) << "# how it was run (never changes the results)\n"
    << "out = " << quoted(c.out_path) << "\n"
    << "threads = " << c.threads << "\n"
    << "backend = " << quoted(c.backend) << "\n"
    << "batch = " << c.batch_chips << "\n";
  return t.str();
}

void validate_study_settings(const McConfig& c) {
  if (c.model_path.empty()) throw UserError("--model is required");
  if (c.out_path.empty()) throw UserError("--out is required");
  if (c.split != "val" && c.split != "test") {
    throw UserError("--split '" + c.split + "': expected val or test");
  }
  if (c.chips == 0) throw UserError("--chips must be at least 1");
  if (c.chips > kMaxChips) {
    throw UserError("--chips " + std::to_string(c.chips) + ": at most " +
                    std::to_string(kMaxChips) + " (2^32 chip indices)");
  }
  if (chip_range_end(c) > c.chips) {
    throw UserError("--chips-to " + std::to_string(c.chips_to) + ": beyond --chips " +
                    std::to_string(c.chips) + " (chip indices run from 0 to chips)");
  }
  if (c.chips_from >= chip_range_end(c)) {
    throw UserError("--chips-from " + std::to_string(c.chips_from) + ": must be below --chips-to " +
                    std::to_string(chip_range_end(c)) + " (an empty chip range)");
  }
  if (c.images < 0) throw UserError("--images " + std::to_string(c.images) + ": must be ≥ 0");
  if (c.times_s.empty()) throw UserError("--times is empty: give at least one time in seconds");
  if (c.backend != "auto" && c.backend != "cpu" && c.backend != "cuda") {
    throw UserError("--backend '" + c.backend + "': expected auto, cpu or cuda");
  }
  if (c.threads < 0 || c.threads > kMaxThreads) {
    throw UserError("--threads " + std::to_string(c.threads) + ": must be in [0, " +
                    std::to_string(kMaxThreads) + "] (0 = all)");
  }
  if (c.yield_specs.empty()) throw UserError("--yield-spec is empty: give at least one spec");
  if (c.array_rows < 0) {
    throw UserError("--array-rows " + std::to_string(c.array_rows) +
                    ": must be >= 1 (0 = each layer's own size)");
  }
  if (c.array_cols < 0 || c.array_cols == 1 || c.array_cols % 2 != 0) {
    throw UserError("--array-cols " + std::to_string(c.array_cols) +
                    ": must be even and >= 2, two columns per output (0 = each layer's own size)");
  }
  if (c.device.verify && c.device.verify_max_pulses < 1) {
    throw UserError("--verify-max-pulses " + std::to_string(c.device.verify_max_pulses) +
                    ": must be at least 1");
  }
  if (c.device.verify && !(c.device.verify_tolerance >= 0.0)) {
    throw UserError("--verify-tolerance " + round_trip_text(c.device.verify_tolerance) +
                    ": must be a number >= 0 (inf: accept every attempt)");
  }
  parse_yield_specs(c.yield_specs);
}

}  // namespace xbarmc::study
