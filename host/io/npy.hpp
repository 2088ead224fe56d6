// NumPy .npy matrices (format versions 1.0–3.0, numpy.lib.format): the weights of
// `xbarmc map` may come straight from np.save(W) with W float32 or float64, shape
// (n_out, n_in). Fortran-ordered arrays are transposed into row-major order.
#pragma once

#include <string>
#include <string_view>

#include "common/matrix.hpp"

namespace xbarmc {

// Reads a 2-D little-endian float32 ('<f4') or float64 ('<f8') array. Throws
// UserError with one line naming the file and the problem: missing file, bad magic
// or version, malformed header, other dtypes, a shape that is not 2-D or is empty,
// truncated data, a NaN or infinite value (named by its row and column).
MatrixD read_npy_matrix(const std::string& path);

// The same on the bytes of a file; `name` stands for the file in error messages.
MatrixD parse_npy_matrix(std::string_view bytes, const std::string& name);

// Writes `m` as a version 1.0 '<f8' C-order .npy file, atomically.
void write_npy_matrix(const std::string& path, const MatrixD& m);

}  // namespace xbarmc
