// Calibration of a network on the ideal nominal chip over val (DESIGN §2.7): per layer
// the ADC full scale I_fs,l (calibrated in layer order from the spikes the earlier layers
// send, `max`, or fixed), the robust normalisation ρ_l (p99.9 of the layer's positive
// per-step diffs for a hidden layer, θ_ref for the output layer) and the threshold
// ratio r_l by coordinate ascent on nominal val accuracy (or given).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"

namespace xbarmc {

enum class FullScaleMode { kCalibrated, kMax, kFixed };

struct FullScaleChoice {
  FullScaleMode mode = FullScaleMode::kCalibrated;
  std::vector<double> fixed_a;  // kFixed: one current for every layer, or one per layer
};

// Empty: calibrate every r_l; one value: the output layer's (hidden layers calibrated);
// one per layer: all given.
struct ThresholdChoice {
  std::vector<double> ratios;
};

struct LayerCalibration {
  double i_fs_a = 0.0;
  double rho = 0.0;        // ρ_l, code units
  double ratio = 0.0;      // r_l
  double threshold = 0.0;  // θ_l = r_l·ρ_l
};

struct NetworkCalibration {
  std::vector<LayerCalibration> layers;
  std::uint32_t nominal_correct = 0;  // the calibrated nominal chip on `val`
  int nominal_runs = 0;               // nominal-chip passes spent (for progress and tests)
};

// `val`: the study's inputs on the val split, with in.layers set (I_fs and θ ignored).
// Throws UserError for a fixed list of the wrong length, ratio counts that are neither 1
// nor the number of layers, or a full scale that calibrates to 0.
NetworkCalibration calibrate_network(const StudyInputs& val, const FullScaleChoice& full_scale,
                                     const ThresholdChoice& thresholds, int threads = 0);

// The ideal per-step currents a layer's used columns see on the nominal chip
// (I = V_read·Σ_i s_i·G_target,ij in double, ascending rows; scheme A |I_pos − I_neg|
// per output per array), given the layer's inputs of one step: for tests.
void nominal_layer_currents(const StudyInputs& in, int layer, const float* inputs,
                            std::vector<double>& out);

}  // namespace xbarmc
