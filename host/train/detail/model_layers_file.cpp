#include "train/detail/model_layers_file.hpp"

#include <cstdint>

#include "common/errors.hpp"
#include "train/detail/model_file_support.hpp"

namespace xbarmc::model_file {
namespace {

h5::Shape shape_of(const MatrixD& m) {
  return {static_cast<std::size_t>(m.rows), static_cast<std::size_t>(m.cols)};
}

std::vector<std::int32_t> interleaved_levels(const ModelLayer& l) {
  std::vector<std::int32_t> out(2 * l.levels_pos.size());
  for (std::size_t k = 0; k < l.levels_pos.size(); ++k) {
    out[2 * k] = l.levels_pos[k];
    out[2 * k + 1] = l.levels_neg[k];
  }
  return out;
}

void write_version1(const h5::File& f, const Model& m) {
  const ModelLayer& l = m.layers.front();
  f.write("weights/float", shape_of(l.w_float), l.w_float.data);
  if (m.qat) f.write("weights/qat", shape_of(l.w_qat), l.w_qat.data);
  f.write("weights/deployed", shape_of(l.w_deployed), l.w_deployed.data);
  f.write("weights/quantized", shape_of(l.w_quantized), l.w_quantized.data);
  const auto n_in = static_cast<std::size_t>(l.n_in()), n_out = static_cast<std::size_t>(l.n_out());
  f.write("mapping/levels_pos", {n_in, n_out},
          std::vector<std::int32_t>(l.levels_pos.begin(), l.levels_pos.end()));
  f.write("mapping/levels_neg", {n_in, n_out},
          std::vector<std::int32_t>(l.levels_neg.begin(), l.levels_neg.end()));
  f.write("mapping/g_target", {n_in, 2 * n_out}, single_layer_g_target(m))
      .set_attribute("units", "S");
  f.set_attribute("shared_max", l.shared_max);
}

// One layer's weights; `n_in` is what the layer before it gives.
ModelLayer read_layer(const h5::Group& g, const std::string& path, bool qat, int layer, int n_in) {
  const h5::Shape shape = checked_shape(g, path, "deployed", 2);
  const int n_out = static_cast<int>(shape[0]);
  if (static_cast<int>(shape[1]) != n_in) {
    throw UserError(path + ": layer " + std::to_string(layer) + " takes " +
                    std::to_string(shape[1]) + " inputs but " +
                    (layer == 0 ? "the input method gives "
                                : "layer " + std::to_string(layer - 1) + " gives ") +
                    std::to_string(n_in) + ": the layer shapes do not chain");
  }
  ModelLayer l;
  l.w_deployed = read_finite_matrix(g, path, "deployed", n_out, n_in);
  l.w_float = g.exists("float") ? read_finite_matrix(g, path, "float", n_out, n_in) : l.w_deployed;
  if (qat) l.w_qat = read_finite_matrix(g, path, "qat", n_out, n_in);
  if (g.exists("bias")) {
    l.bias = read_checked<double>(g, path, "bias", {static_cast<std::size_t>(n_out)});
    require_finite(l.bias, path, g.path() + "/bias");
  }
  return l;
}

void read_version1(const h5::File& f, const std::string& path, Model& m) {
  const int n_out = static_cast<int>(int_attribute_in(f, path, "n_out", 1, kMaxDimension));
  const int n_in = static_cast<int>(int_attribute_in(f, path, "n_in", 1, kMaxDimension));
  if (n_in != m.features.n_features()) {
    throw UserError(path + ": n_in = " + std::to_string(n_in) + ", expected " +
                    std::to_string(m.features.n_features()));
  }
  ModelLayer l;
  l.w_float = read_finite_matrix(f, path, "weights/float", n_out, n_in);
  if (m.qat) l.w_qat = read_finite_matrix(f, path, "weights/qat", n_out, n_in);
  l.w_deployed = read_finite_matrix(f, path, "weights/deployed", n_out, n_in);
  m.layers.push_back(std::move(l));
}

}  // namespace

void write_layers(const h5::File& f, const Model& m) {
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const ModelLayer& l = m.layers[i];
    const h5::Group g = f.create_group("layers/" + std::to_string(i));
    g.write("float", shape_of(l.w_float), l.w_float.data);
    if (m.qat) g.write("qat", shape_of(l.w_qat), l.w_qat.data);
    g.write("deployed", shape_of(l.w_deployed), l.w_deployed.data);
    if (l.has_bias()) g.write("bias", {l.bias.size()}, l.bias);
    g.write("quantized", shape_of(l.w_quantized), l.w_quantized.data);
    const h5::Shape cells = {static_cast<std::size_t>(l.rows()),
                             2 * static_cast<std::size_t>(l.n_out())};
    g.write("levels", cells, interleaved_levels(l));
    g.write("g_target", cells, l.g_target_s).set_attribute("units", "S");
    g.set_attribute("shared_max", l.shared_max);
    g.set_attribute("bias_row", std::int64_t{l.bias_row ? 1 : 0});
    g.set_attribute("n_in", std::int64_t{l.n_in()});
    g.set_attribute("n_out", std::int64_t{l.n_out()});
  }
  if (m.is_single_layer()) write_version1(f, m);
}

void read_layers(const h5::File& f, const std::string& path, Model& m) {
  m.layers.clear();
  if (!f.exists("layers")) {
    read_version1(f, path, m);
    return;
  }
  const h5::Group layers = f.open_group("layers");
  const std::vector<std::string> names = layers.children();
  if (names.empty()) throw UserError(path + ": /layers holds no layer");
  for (std::size_t l = 0; l < names.size(); ++l) {
    const std::string name = std::to_string(l);
    if (!layers.exists(name)) {
      throw UserError(path + ": /layers must hold groups 0.." + std::to_string(names.size() - 1) +
                      ", /layers/" + name + " is missing");
    }
    const int n_in = l == 0 ? m.features.n_features() : m.layers.back().n_out();
    m.layers.push_back(read_layer(layers.open_group(name), path, m.qat, static_cast<int>(l), n_in));
  }
}

}  // namespace xbarmc::model_file
