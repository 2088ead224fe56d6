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

std::vector<LayerWeights> load_network_weights(const std::string& path) {
  const std::string ext = lower_extension(path);
  std::vector<LayerWeights> layers;
  if (ext == ".csv") {
    layers.push_back({read_csv_matrix(path), {}});
  } else if (ext == ".npy") {
    layers.push_back({read_npy_matrix(path), {}});
  } else if (ext == ".h5" || ext == ".hdf5") {
    for (ModelLayer& l : load_model(path).layers) {
      layers.push_back({std::move(l.w_deployed), std::move(l.bias)});
    }
  } else {
    throw UserError(path + ": unknown weights format '" + ext +
                    "'; expected .csv, .npy or .h5 (a model from xbarmc train or import)");
  }
  // Every reader checks this already; the mapping relies on it, so check once more.
  for (const LayerWeights& l : layers) {
    if (l.w.rows == 0 || l.w.cols == 0) throw UserError(path + ": the weight matrix is empty");
    for (double x : l.w.data) {
      if (!std::isfinite(x)) throw UserError(path + ": the weights hold a NaN or infinite value");
    }
  }
  return layers;
}

MatrixD load_weights(const std::string& path) {
  std::vector<LayerWeights> layers = load_network_weights(path);
  if (layers.size() != 1 || !layers.front().bias.empty()) {
    throw UserError(path + ": holds a network of " + std::to_string(layers.size()) + " layer" +
                    (layers.size() == 1 ? " with a bias" : "s") + ", not one weight matrix");
  }
  return std::move(layers.front().w);
}

}  // namespace xbarmc
