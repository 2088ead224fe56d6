#include "train/import_network.hpp"

#include <map>

#include "common/errors.hpp"
#include "io/npy.hpp"
#include "io/npz.hpp"

namespace xbarmc {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

MatrixD weight_matrix(NpyArray a, const std::string& source) {
  if (a.shape.size() != 2) {
    throw UserError(source + ": a weight matrix must be 2-D [outputs x inputs], this is 1-D (" +
                    std::to_string(a.shape[0]) + ",)");
  }
  MatrixD m;
  m.rows = static_cast<int>(a.shape[0]);
  m.cols = static_cast<int>(a.shape[1]);
  m.data = std::move(a.data);
  return m;
}

std::vector<double> bias_vector(NpyArray a, const std::string& source) {
  if (a.shape.size() != 1) {
    throw UserError(source + ": a bias must be 1-D [outputs], this is " +
                    std::to_string(a.shape[0]) + "x" + std::to_string(a.shape[1]));
  }
  return std::move(a.data);
}

std::vector<ImportedLayer> read_npz_layers(const std::string& path) {
  std::map<std::string, NpyArray> arrays;
  for (NpzMember& m : read_npz(path)) arrays.emplace(m.name, std::move(m.array));
  std::size_t n_layers = 0;
  while (arrays.count("w" + std::to_string(n_layers))) ++n_layers;
  const bool biased = arrays.count("b0") > 0;
  const std::string expected =
      n_layers == 0 ? "w0, w1, ..."
                    : "w0..w" + std::to_string(n_layers - 1) +
                          (biased ? " and b0..b" + std::to_string(n_layers - 1) : "");
  std::vector<ImportedLayer> layers;
  for (std::size_t l = 0; l < std::max<std::size_t>(n_layers, 1); ++l) {
    const std::string w = "w" + std::to_string(l), b = "b" + std::to_string(l);
    if (!arrays.count(w))
      throw UserError(path + ": missing array " + w + " (expected " + expected + ")");
    if (biased && !arrays.count(b)) {
      throw UserError(path + ": missing array " + b +
                      " (b0 is there, so every layer needs its bias; expected " + expected + ")");
    }
    ImportedLayer layer;
    layer.w_source = path + " (array " + w + ")";
    layer.weights.w = weight_matrix(std::move(arrays.at(w)), layer.w_source);
    arrays.erase(w);
    if (biased) {
      layer.b_source = path + " (array " + b + ")";
      layer.weights.bias = bias_vector(std::move(arrays.at(b)), layer.b_source);
      arrays.erase(b);
    }
    layers.push_back(std::move(layer));
  }
  if (!arrays.empty()) {
    throw UserError(path + ": extra array " + arrays.begin()->first + " (expected " + expected +
                    ")");
  }
  return layers;
}

}  // namespace

std::vector<ImportedLayer> read_imported_layers(const std::vector<std::string>& weight_files,
                                                const std::vector<std::string>& bias_files) {
  if (weight_files.empty()) throw UserError("--weights: give one .npz or one .npy per layer");
  if (weight_files.size() == 1 && ends_with(weight_files[0], ".npz")) {
    if (!bias_files.empty()) {
      throw UserError("--biases: " + weight_files[0] +
                      " is an .npz; its biases are its arrays b0, b1, ...");
    }
    return read_npz_layers(weight_files[0]);
  }
  if (!bias_files.empty() && bias_files.size() != weight_files.size()) {
    throw UserError("--biases: " + std::to_string(bias_files.size()) + " files for " +
                    std::to_string(weight_files.size()) + " layers (give one per layer, or none)");
  }
  std::vector<ImportedLayer> layers;
  for (std::size_t l = 0; l < weight_files.size(); ++l) {
    if (!ends_with(weight_files[l], ".npy")) {
      throw UserError(weight_files[l] + ": expected a .npy file per layer (or one .npz)");
    }
    ImportedLayer layer;
    layer.w_source = weight_files[l];
    layer.weights.w = weight_matrix(read_npy_array(weight_files[l]), weight_files[l]);
    if (!bias_files.empty()) {
      layer.b_source = bias_files[l];
      layer.weights.bias = bias_vector(read_npy_array(bias_files[l]), bias_files[l]);
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

FeatureSpec imported_feature_spec(FeatureMethod method, int rows, int cols) {
  if (is_projection(method)) {
    throw UserError(std::string("--method ") + method_name(method) +
                    ": a projection is fitted by xbarmc train; an imported network takes raw, "
                    "avg_8x8, bilinear_8x8 or max_8x8 inputs");
  }
  FeatureSpec spec;
  spec.method = method;
  spec.input_rows = rows;
  spec.input_cols = cols;
  spec.lo.assign(static_cast<std::size_t>(spec.n_features()), 0.0);
  spec.hi.assign(static_cast<std::size_t>(spec.n_features()), 1.0);
  return spec;
}

Model make_imported_model(std::vector<ImportedLayer> layers, const FeatureSpec& features,
                          const MappingParams& mapping, BiasMode bias_mode) {
  Model m;
  m.features = features;
  m.mapping = mapping;
  m.bias_mode = bias_mode;
  int n_in = features.n_features();
  for (std::size_t l = 0; l < layers.size(); ++l) {
    ImportedLayer& in = layers[l];
    const MatrixD& w = in.weights.w;
    if (w.cols != n_in) {
      throw UserError(in.w_source + ": layer " + std::to_string(l) + " takes " +
                      std::to_string(w.cols) + " inputs but " +
                      (l == 0 ? std::string("the input method ") + method_name(features.method) +
                                    " gives " + std::to_string(n_in)
                              : "layer " + std::to_string(l - 1) + " gives " +
                                    std::to_string(n_in) + ": the layer shapes do not chain"));
    }
    if (!in.weights.bias.empty() && in.weights.bias.size() != static_cast<std::size_t>(w.rows)) {
      throw UserError(in.b_source + ": bias of " + std::to_string(in.weights.bias.size()) +
                      " values for layer " + std::to_string(l) + " of " + std::to_string(w.rows) +
                      " outputs");
    }
    ModelLayer layer;
    layer.w_float = std::move(in.weights.w);
    layer.w_deployed = layer.w_float;
    layer.bias = std::move(in.weights.bias);
    n_in = layer.w_float.rows;
    m.layers.push_back(std::move(layer));
  }
  map_deployed_weights(m);
  return m;
}

}  // namespace xbarmc
