// A study of a network on chips of many arrays (DESIGN §2.7), between the model and the
// engine: which studies take the network form of StudyInputs, the layers it hands the
// engine, the calibration it resolves them with, and what the results file records.
#pragma once

#include <vector>

#include "engine/engine.hpp"
#include "engine/network_calibration.hpp"
#include "results/network_record.hpp"
#include "study/mc_config.hpp"
#include "train/model.hpp"

namespace xbarmc::study {

// The seed's one-layer chip, which the engines run in their one-layer form: one layer
// without bias on one array of its size and no array-to-array variation. Everything
// else is a network study.
bool is_network_study(const Model& model, const McConfig& c);

// The engine's layers of `model` (logical targets; a digital bias as b_j/shared_max_l).
// Throws UserError for a digital bias on a layer whose weights are all zero.
std::vector<LayerInputs> network_layers(const Model& model, const std::string& model_path);

// Resolves every layer's I_fs and θ on the nominal chip over val (calibrate_network)
// into `in` and returns the calibration.
NetworkCalibration resolve_network_readout(const McConfig& c, const StudyInputs& val,
                                           StudyInputs& in, int threads);

// What the results file records of the network (per layer: mapping, array size,
// resolved readout).
NetworkRecord network_record(const Model& model, const StudyInputs& in,
                             const NetworkCalibration& cal);

// The readout of a resumed study, from its partial file's record.
void restore_network_readout(const NetworkRecord& saved, StudyInputs& in);

}  // namespace xbarmc::study
