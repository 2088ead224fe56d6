// Calibrations on the ideal nominal chip (DESIGN §2.5): the ADC full scale I_fs, the
// neuron threshold ratio, and the nominal chip's own accuracy. All take the study's
// plain inputs (normally on the val split) and use the run's encoding, ADC and neurons.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"

namespace xbarmc {

// The nominal chip: G_target, no variation, drift, noise or IR-drop (one time, chip 0).
StudyInputs nominal_inputs(const StudyInputs& in);

// Ideal column currents (A) of the nominal chip pooled over all images × timesteps ×
// columns, I_j = V_read·Σ_i s_i·G_target,ij in double; scheme A pools |I_pos − I_neg|
// over outputs instead.
std::vector<double> nominal_pooled_currents(const StudyInputs& in);
// `calibrated`: p99.9 of the pooled currents. Throws UserError when it is 0.
double calibrated_full_scale(const StudyInputs& in);
// `max`: the largest column current with every row at V_read.
double max_full_scale(const StudyInputs& in);

struct NominalResult {
  std::uint32_t correct = 0;
  std::uint32_t no_spike = 0;
  std::uint64_t saturated = 0;
  double accuracy = 0.0;
};
// Needs readout.i_fs_a and neuron.threshold resolved.
NominalResult evaluate_nominal(const StudyInputs& in, int threads = 0);

// θ = ratio·θ_ref, θ_ref = code_full_scale (2^b−1 for B, 2^(b−1)−1 for A, 1 for b = 0).
double threshold_reference(const ReadoutParams& r);
const std::vector<double>& default_threshold_candidates();  // 0.05 … 1.0

struct ThresholdCalibration {
  double ratio = 0.0;
  double threshold = 0.0;        // ratio·θ_ref, in code units
  std::vector<double> ratios;    // the candidates tried
  std::vector<double> accuracy;  // nominal-chip accuracy of each
};
// Highest accuracy wins; ties → the smaller ratio. Needs readout.i_fs_a resolved.
ThresholdCalibration calibrate_threshold(const StudyInputs& in,
                                         const std::vector<double>& candidates, int threads = 0);

}  // namespace xbarmc
