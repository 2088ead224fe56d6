// The model file written by `xbarmc train` (HDF5, readable with h5py). Contents:
//   root attributes: format = "xbarmc-model", version (format, int 1), xbarmc_version,
//     method, weight_bits, r_on_ohm, r_off_ohm, spacing ("log"|"linear"),
//     layout ("interleaved"|"blocked"), seed, qat (0/1), noise_aware_sigma,
//     n_out, n_in, shared_max
//   /features/lo, /features/hi        [64]      f = clamp((z − lo)/(hi − lo), 0, 1)
//   /features/projection              [64 × d]  projection methods only (d = rows·cols)
//   /features/mean                    [d]       projection methods only, pixels/255 units
//     attributes input_rows, input_cols
//   /weights/float                    [n_out × n_in]
//   /weights/qat                      [n_out × n_in]  only when QAT ran
//   /weights/deployed                 [n_out × n_in]  qat if present, else float
//   /weights/quantized                [n_out × n_in]  W_q of deployed
//   /mapping/levels_pos, levels_neg   [n_in × n_out]  int32 level indices
//   /mapping/g_target                 [n_in × 2·n_out] siemens, physical columns
//   /accuracy/float, ptq, qat         [3] train, val, test (NaN where not run)
#pragma once

#include <string>

#include "common/matrix.hpp"
#include "train/model.hpp"

namespace xbarmc {

constexpr int kModelFormatVersion = 1;

// Atomic: the file appears whole or not at all. Throws UserError on failure.
void save_model(const std::string& path, const Model& model);

// Throws UserError naming the file and the missing or ill-shaped dataset/attribute.
Model load_model(const std::string& path);

// The weights to map: /weights/deployed (QAT master weights if QAT ran, else float).
MatrixD load_model_weights(const std::string& path);

}  // namespace xbarmc
