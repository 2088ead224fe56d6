// The weight matrix W [n_out × n_in] of `xbarmc map`, from whichever file the user
// has: CSV (n_out lines of n_in values), NumPy .npy (np.save of a float32/float64
// array) or a model file written by `xbarmc train` (.h5: its deployed weights).
#pragma once

#include <string>

#include "common/matrix.hpp"

namespace xbarmc {

// Dispatches on the extension (case-insensitive): .csv, .npy, .h5/.hdf5. Throws
// UserError naming the file for an unknown extension and for every reader's
// errors; the result is non-empty with finite values.
MatrixD load_weights(const std::string& path);

}  // namespace xbarmc
