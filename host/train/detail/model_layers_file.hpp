// The layers of a model file (model_file.hpp): /layers/<l>/ of format version 2, and the
// one layer of version 1 (/weights, /mapping), which one-layer models still carry.
#pragma once

#include <string>

#include "io/h5.hpp"
#include "train/model.hpp"

namespace xbarmc::model_file {

// Writes /layers/<l>/ for every layer and, for a single layer without bias, the
// version 1 datasets too. The layers must be mapped (map_deployed_weights).
void write_layers(const h5::File& f, const Model& m);

// Reads the weights (float, qat, deployed, bias) of /layers/<l>/, or of version 1's
// /weights when the file has no /layers, into m.layers; checks that the shapes chain
// from m.features.n_features() inputs and that every value is finite. The mapping is
// left to map_deployed_weights.
void read_layers(const h5::File& f, const std::string& path, Model& m);

}  // namespace xbarmc::model_file
