#include "train/weights_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "common/errors.hpp"
#include "io/csv_matrix.hpp"
#include "io/npy.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

MatrixD load_weights(const std::string& path) {
  const std::string ext = lower_extension(path);
  MatrixD w;
  if (ext == ".csv") {
    w = read_csv_matrix(path);
  } else if (ext == ".npy") {
    w = read_npy_matrix(path);
  } else if (ext == ".h5" || ext == ".hdf5") {
    w = load_model_weights(path);
  } else {
    throw UserError(path + ": unknown weights format '" + ext +
                    "'; expected .csv, .npy or .h5 (a model from xbarmc train)");
  }
  // Every reader checks this already; the mapping relies on it, so check once more.
  if (w.rows == 0 || w.cols == 0) throw UserError(path + ": the weight matrix is empty");
  for (double x : w.data) {
    if (!std::isfinite(x)) throw UserError(path + ": the weights hold a NaN or infinite value");
  }
  return w;
}

}  // namespace xbarmc
