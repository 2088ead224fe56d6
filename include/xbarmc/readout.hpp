// Crossbar read and ADC (DESIGN §2.4–2.5): column currents I = Vᵀ·A_eff, read noise
// N(0, σ_j²) with σ_j² = σ_read²·Σ_i (V_i·A_eff,ij)² + σ_abs², then scheme A (one
// bipolar ADC on I_pos − I_neg) or B (one unipolar ADC per column, diff in digital).
//
// Working precision and units (both backends compute exactly this, in this order):
//  - per chip and time the engine forms, in double then rounded to float,
//      a_ij = V_read·A_eff,ij / unit,   a2_ij = a_ij·a_ij (float product),
//    with unit = LSB = I_fs/code_full_scale for b > 0 and unit = I_fs for b = 0, so a
//    current in `unit`s is directly the ADC input y (code = round(y)).
//  - per step: I_j = Σ_i s_i·a_ij and S_j = Σ_i (s_i·a_ij)², float, rows in ascending
//    order from 0.0f (for spikes s ∈ {0,1}, so this is the sum over active rows).
//  - noise: σ_j = sqrt(sr2·S + sa2) with sr2 = (float)σ_read², sa2 = (float)(σ_abs/unit)²
//    (scheme B, S = S_col) or (float)(2·(σ_abs/unit)²) (scheme A, S = S_pos + S_neg, one
//    normal per output). y = I + σ·z, skipped entirely when σ_read = σ_abs = 0.
//  - read-noise normal z: normal n of stream (seed, kReadNoise, a = chip, b = image_id),
//      n = (time_index·T + t)·n_ch + ch,  n_ch = n_cols, ch = physical column (B)
//                                         n_ch = n_out,  ch = output j       (A)
//    for one array; on a chip of many arrays n_ch and ch count over all arrays
//    (arrays.hpp: column_offset, output_offset).
//  - the digital diff of output j: Σ over its arrays in row-block order of
//    gain·(code_pos − code_neg) (scheme A: gain·code), from 0.0f, then + β_j.
//    normal n comes from block n/4 through normal2_float: words (x,y) give normals
//    4k, 4k+1 and (z,w) give 4k+2, 4k+3 (see stream_normal_float).
#pragma once

#include <cmath>
#include <cstdint>

#include "xbarmc/hd.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {

// θ_ref and the code full scale: 2^b − 1 (B), 2^(b−1) − 1 (A), 1 for an ideal ADC (b = 0).
XBARMC_HD double code_full_scale(Scheme scheme, int adc_bits) {
  if (adc_bits == 0) return 1.0;
  return scheme == Scheme::kB ? static_cast<double>((1u << adc_bits) - 1u)
                              : static_cast<double>((1u << (adc_bits - 1)) - 1u);
}

// The current that one code step (or, for b = 0, one code unit) represents, in A.
XBARMC_HD double code_unit_a(const ReadoutParams& r) {
  return r.i_fs_a / code_full_scale(r.scheme, r.adc_bits);
}

// ADC on y in code units: round half up (floor(y + 0.5)) then clamp to [0, 2^b−1] (B)
// or ±(2^(b−1)−1) (A); *clamped tells whether the clamp changed the code (saturation,
// at either end). b = 0: ideal, y itself.
XBARMC_HD float adc_code(float y, Scheme scheme, int adc_bits, bool* clamped) {
  *clamped = false;
  if (adc_bits == 0) return y;
  const float top = static_cast<float>(code_full_scale(scheme, adc_bits));
  const float bottom = scheme == Scheme::kB ? 0.0f : -top;
  float q = std::floor(y + 0.5f);
  if (q > top) {
    q = top;
    *clamped = true;
  } else if (q < bottom) {
    q = bottom;
    *clamped = true;
  }
  return q;
}

// A digital bias (DESIGN §2.7, `--bias-mode digital`) in code units: the ideal current of
// a bias cell, β_j = (b_j/shared_max_l)·g_max·V_read / unit, not quantised and without
// noise, added to output j's digital diff after the drift gains (float, like the codes).
XBARMC_HD float digital_bias_codes(double bias_normalised, double g_max_s, double v_read_v,
                                   double unit_a) {
  return static_cast<float>(bias_normalised * g_max_s * v_read_v / unit_a);
}

// One read-matrix entry in working precision: a = (float)(V_read·A_eff / unit).
XBARMC_HD float read_matrix_entry(double v_read_v, double a_eff_s, double unit_a) {
  return static_cast<float>(v_read_v * a_eff_s / unit_a);
}

// A measured table's per-level read σ (DESIGN §2.8): the noise variance of a column is
// σ_abs² + Σ_i σ_k(i)²·(V_i·A_eff,ij)², k(i) the level of cell (i, j). The engines then
// sum the squares of b_ij = (float)(σ_k·V_read·A_eff,ij / unit) (s·b for analog inputs)
// over the read in place of a_ij's, with sr2 = 1; the currents still come from a_ij.
XBARMC_HD float noise_matrix_entry(double v_read_v, double sigma, double a_eff_s, double unit_a) {
  return static_cast<float>(sigma * v_read_v * a_eff_s / unit_a);
}

// Constants of the read in working precision (see the header comment).
struct ReadConstants {
  float sr2 = 0.0f;  // σ_read²
  float sa2 = 0.0f;  // absolute noise variance in unit², per ADC input
  bool noisy = false;
};

XBARMC_HD ReadConstants make_read_constants(const DeviceParams& d, const ReadoutParams& r) {
  ReadConstants c;
  const double unit = code_unit_a(r);
  const double abs_units = d.read_sigma_abs_a / unit;
  c.sr2 = static_cast<float>(d.read_sigma * d.read_sigma);
  c.sa2 = static_cast<float>((r.scheme == Scheme::kA ? 2.0 : 1.0) * abs_units * abs_units);
  c.noisy = d.read_sigma != 0.0 || d.read_sigma_abs_a != 0.0;
  return c;
}

// I_j and S_j of one column for one step; a, a2 are [n_in × stride] row-major.
XBARMC_HD void column_read(const float* a, int stride, const float* s, int n_in, int col,
                           float* current, float* square_sum) {
  float i_sum = 0.0f, s_sum = 0.0f;
  for (int i = 0; i < n_in; ++i) {
    const float v = s[i] * a[i * stride + col];
    i_sum += v;
    s_sum += v * v;
  }
  *current = i_sum;
  *square_sum = s_sum;
}

XBARMC_HD float read_sigma(const ReadConstants& c, float square_sum) {
  return std::sqrt(c.sr2 * square_sum + c.sa2);
}

XBARMC_HD Stream read_noise_stream(std::uint64_t seed, std::uint32_t chip, std::uint32_t image_id) {
  return make_stream(seed, Purpose::kReadNoise, chip, image_id);
}
XBARMC_HD std::uint32_t read_noise_index(int time_index, int timesteps, int t, std::uint32_t n_ch,
                                         std::uint32_t ch) {
  const auto step = static_cast<std::uint32_t>(time_index * timesteps + t);
  return step * n_ch + ch;  // < 2^32, checked when the network is made
}

// Normal i of a stream in float (same block/word layout as stream_normal_double).
XBARMC_HD float stream_normal_float(const Stream& s, std::uint32_t i) {
  const U32x4 b = stream_block(s, i / 4);
  float z0, z1;
  if ((i & 2u) == 0) {
    normal2_float(b.x, b.y, &z0, &z1);
  } else {
    normal2_float(b.z, b.w, &z0, &z1);
  }
  return (i & 1u) ? z1 : z0;
}

}  // namespace xbarmc
