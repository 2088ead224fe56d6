// The weights of `xbarmc map`, from whichever file the user has: CSV (n_out lines of
// n_in values) or NumPy .npy (np.save of a float32/float64 array) for one layer
// W [n_out × n_in] without bias, or a model file written by `xbarmc train` or
// `xbarmc import` (.h5: the deployed weights and biases of every layer).
#pragma once

#include <string>
#include <vector>

#include "common/matrix.hpp"

namespace xbarmc {

struct LayerWeights {
  MatrixD w;                 // [n_l × n_{l−1}]
  std::vector<double> bias;  // [n_l], or empty: no bias
};

// Dispatches on the extension (case-insensitive): .csv, .npy, .h5/.hdf5. Throws
// UserError naming the file for an unknown extension and for every reader's
// failures (missing file, bad syntax, NaN/Inf, ...).
std::vector<LayerWeights> load_network_weights(const std::string& path);

// The same for a single layer without bias; a network model file is refused, naming
// its layers.
MatrixD load_weights(const std::string& path);

}  // namespace xbarmc
