// Parameters of a chip study, as plain structs shared by both backends. Defaults are
// DESIGN.md's (§2.4–2.5); validation lives in host/engine/validate.cpp.
#pragma once

#include <cstdint>

#include "xbarmc/hd.hpp"

namespace xbarmc {

enum class C2cModel : std::uint8_t { kLognormal, kGaussian };
enum class IrDropModel : std::uint8_t { kNone, kFirstOrder, kNodal };
enum class Encoding : std::uint8_t { kRate, kDeterministic, kDirect };
enum class Scheme : std::uint8_t { kA, kB };
enum class Reset : std::uint8_t { kSubtract, kZero };

// Programming, drift and IR-drop of one chip instance (§2.4).
struct DeviceParams {
  double d2d_sigma = 0.0;  // chip-level factor exp(σ·ξ_chip)
  double a2a_sigma = 0.0;  // array-level factor exp(σ·ξ_array) (DESIGN §2.7)
  double c2c_sigma = 0.0;  // cell-level static variation
  C2cModel c2c_model = C2cModel::kLognormal;
  double p_stuck_on = 0.0;   // cell stuck at g_max
  double p_stuck_off = 0.0;  // cell stuck at g_min
  double nu_mean = 0.0;      // drift exponent ν ~ N(ν_mean, ν_std) clipped at 0
  double nu_std = 0.0;
  double drift_spread = 0.0;  // ρ of the log-time spreading term
  double t0_s = 1.0;          // drift reference time after programming
  bool drift_compensation = false;
  IrDropModel ir_drop = IrDropModel::kNone;
  double r_wl_ohm = 1.0;          // word-line segment resistance
  double r_bl_ohm = 1.0;          // bit-line segment resistance
  double read_sigma = 0.0;        // relative per-cell read noise
  double read_sigma_abs_a = 0.0;  // absolute read noise per column, A
  // Write-verify (DESIGN §2.8): a cell that is not stuck is programmed up to
  // verify_max_pulses times until its C2C factor f has |f − 1| ≤ verify_tolerance.
  bool verify = false;
  double verify_tolerance = 0.0;
  int verify_max_pulses = 10;
};

// The device statistics of one conductance level (DESIGN §2.8, a measured table's line;
// without a table every level has the scalar ones of DeviceParams).
struct LevelDevice {
  double c2c_sigma = 0.0;
  double nu_mean = 0.0, nu_std = 0.0;
  double read_sigma = 0.0;
};

XBARMC_HD LevelDevice scalar_level_device(const DeviceParams& p) {
  return LevelDevice{p.c2c_sigma, p.nu_mean, p.nu_std, p.read_sigma};
}

// Input encoding and ADC (§2.5). i_fs_a is the resolved full scale in A.
struct ReadoutParams {
  Encoding encoding = Encoding::kRate;
  int timesteps = 16;
  double v_read_v = 0.1;
  int dac_bits = 8;  // direct encoding only; 0 = ideal
  Scheme scheme = Scheme::kB;
  int adc_bits = 6;  // 0 = ideal ADC
  double i_fs_a = 0.0;
};

// Integrate-and-fire neurons (§2.5). threshold is θ in ADC code units (resolved).
struct NeuronParams {
  Reset reset = Reset::kSubtract;
  double leak = 1.0;  // β in v = β·v + diff
  double threshold = 1.0;
};

}  // namespace xbarmc
