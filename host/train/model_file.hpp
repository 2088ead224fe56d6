// The model file written by `xbarmc train` and `xbarmc import` (HDF5 1.10 format,
// readable and writable with h5py; DESIGN §3). Contents (format version 2):
//   root attributes: format = "xbarmc-model", version (2), xbarmc_version, method
//     (the input method, e.g. "raw", "avg_8x8"), weight_bits, r_on_ohm, r_off_ohm,
//     spacing ("log"|"linear"), layout ("interleaved"|"blocked"), bias_mode
//     ("digital"|"row"), seed, qat (0/1), noise_aware_sigma, n_layers, n_in, n_out
//   /features/lo, /features/hi        [n_features]  f = clamp((z − lo)/(hi − lo), 0, 1)
//   /features/projection              [64 × d]  projection methods only (d = rows·cols)
//   /features/mean                    [d]       projection methods only, pixels/255 units
//     attributes input_rows, input_cols
//   /layers/<l>/float                 [n_l × n_{l−1}]  float training
//   /layers/<l>/qat                   [n_l × n_{l−1}]  QAT master weights (with QAT)
//   /layers/<l>/deployed              [n_l × n_{l−1}]  qat if present, else float
//   /layers/<l>/bias                  [n_l]            the deployed bias (biased layers)
//   /layers/<l>/quantized             [n_l × n_{l−1}]  W_q of deployed
//   /layers/<l>/levels                [rows × 2·n_l]   int32, logical columns 2j pos, 2j+1 neg
//   /layers/<l>/g_target              [rows × 2·n_l]   siemens, same columns
//     attributes shared_max, bias_row (0/1; rows = n_{l−1} + bias_row), n_in, n_out
//   /accuracy/float, ptq, qat         [3] train, val, test (NaN where not run)
// A model of one layer without bias also keeps the datasets of format version 1, which
// older readers use: /weights/{float,qat,deployed,quantized} [n_out × n_in],
// /mapping/levels_pos, levels_neg [n_in × n_out] and /mapping/g_target [n_in × 2·n_out]
// in the physical columns of `layout`, and the root attribute shared_max.
//
// Reading needs only the root attributes format, method, weight_bits, r_on_ohm,
// r_off_ohm, spacing and layout, and /layers/<l>/deployed (plus bias) for l = 0..L−1
// (or version 1's /weights/deployed); /features may be left out for the raw and resize
// methods (lo 0, hi 1, 28×28 images). W_q, levels and G_target are always recomputed
// from the deployed weights and the mapping attributes: the stored copies are for
// readers of the file.
#pragma once

#include <string>

#include "train/model.hpp"

namespace xbarmc {

constexpr int kModelFormatVersion = 2;

// Atomic: the file appears whole or not at all. Throws UserError on failure.
void save_model(const std::string& path, const Model& model);

// Throws UserError naming the file and the missing, ill-shaped or non-finite dataset,
// or the layer shapes that do not chain.
Model load_model(const std::string& path);

}  // namespace xbarmc
