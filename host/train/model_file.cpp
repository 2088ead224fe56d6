#include "train/model_file.hpp"

#include <cmath>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "io/h5.hpp"
#include "mapping/layer_mapping.hpp"
#include "train/detail/model_file_support.hpp"
#include "train/detail/model_layers_file.hpp"
#include "xbarmc/build_info.hpp"

namespace xbarmc {
namespace {

using h5::Shape;
using model_file::int_attribute_in;
using model_file::read_checked;
using model_file::require_attribute;

void write_features(const h5::File& f, const FeatureSpec& fs) {
  const auto n_feat = static_cast<std::size_t>(fs.n_features());
  const auto d = static_cast<std::size_t>(fs.input_size());
  f.write("features/lo", {n_feat}, fs.lo);
  f.write("features/hi", {n_feat}, fs.hi);
  if (is_projection(fs.method)) {
    f.write("features/projection", {n_feat, d}, fs.projection);
    f.write("features/mean", {d}, fs.mean);
  }
  const h5::Group features = f.open_group("features");
  features.set_attribute("input_rows", std::int64_t{fs.input_rows});
  features.set_attribute("input_cols", std::int64_t{fs.input_cols});
}

void read_features(const h5::File& f, const std::string& path, FeatureSpec& fs) {
  if (!f.exists("features")) {
    // The raw and resize methods have no fitted constants: a model written by hand may
    // leave the group out (28×28 images).
    if (is_projection(fs.method)) {
      throw UserError(path + ": not a model file: missing group /features");
    }
    fs.lo.assign(static_cast<std::size_t>(fs.n_features()), 0.0);
    fs.hi.assign(static_cast<std::size_t>(fs.n_features()), 1.0);
    return;
  }
  const h5::Group features = f.open_group("features");
  for (const char* name : {"input_rows", "input_cols"}) {
    if (!features.has_attribute(name))
      throw UserError(path + ": /features lacks attribute " + name);
  }
  fs.input_rows = static_cast<int>(int_attribute_in(features, path, "input_rows", 1, 4096));
  fs.input_cols = static_cast<int>(int_attribute_in(features, path, "input_cols", 1, 4096));
  const auto n_feat = static_cast<std::size_t>(fs.n_features());
  const auto d = static_cast<std::size_t>(fs.input_size());
  fs.lo = read_checked<double>(f, path, "features/lo", {n_feat});
  fs.hi = read_checked<double>(f, path, "features/hi", {n_feat});
  if (is_projection(fs.method)) {
    fs.projection = read_checked<double>(f, path, "features/projection", {n_feat, d});
    fs.mean = read_checked<double>(f, path, "features/mean", {d});
  }
  validate_feature_spec(fs, path);
}

void read_mapping(const h5::File& f, const std::string& path, Model& m) {
  m.mapping.weight_bits =
      static_cast<int>(int_attribute_in(f, path, "weight_bits", 1, kMaxWeightBits));
  m.mapping.r_on_ohm = f.double_attribute("r_on_ohm");
  m.mapping.r_off_ohm = f.double_attribute("r_off_ohm");
  if (!(m.mapping.r_on_ohm > 0.0) || !(m.mapping.r_off_ohm > m.mapping.r_on_ohm) ||
      !std::isfinite(m.mapping.r_off_ohm)) {
    throw UserError(path + ": attributes r_on_ohm/r_off_ohm must satisfy 0 < r_on < r_off");
  }
  const std::string spacing = f.string_attribute("spacing");
  const std::string layout = f.string_attribute("layout");
  if (spacing != "log" && spacing != "linear")
    throw UserError(path + ": bad spacing '" + spacing + "'");
  if (layout != "interleaved" && layout != "blocked")
    throw UserError(path + ": bad layout '" + layout + "'");
  m.mapping.spacing = spacing == "linear" ? Spacing::kLinear : Spacing::kLog;
  m.mapping.layout = layout == "blocked" ? Layout::kBlocked : Layout::kInterleaved;
  if (f.has_attribute("bias_mode")) {
    const std::string mode = f.string_attribute("bias_mode");
    if (mode != "digital" && mode != "row")
      throw UserError(path + ": bad bias_mode '" + mode + "' (expected digital or row)");
    m.bias_mode = parse_bias_mode(mode);
  }
}

}  // namespace

void save_model(const std::string& path, const Model& m) {
  if (m.layers.empty()) throw InternalError("save_model: a model without layers");
  AtomicFile out(path);
  {
    h5::File f = h5::File::create(out.temp_path(), path);
    f.set_attribute("format", "xbarmc-model");
    f.set_attribute("version", std::int64_t{kModelFormatVersion});
    f.set_attribute("xbarmc_version", build_info::kVersion);
    f.set_attribute("method", method_name(m.features.method));
    f.set_attribute("weight_bits", std::int64_t{m.mapping.weight_bits});
    f.set_attribute("r_on_ohm", m.mapping.r_on_ohm);
    f.set_attribute("r_off_ohm", m.mapping.r_off_ohm);
    f.set_attribute("spacing", m.mapping.spacing == Spacing::kLinear ? "linear" : "log");
    f.set_attribute("layout", m.mapping.layout == Layout::kBlocked ? "blocked" : "interleaved");
    f.set_attribute("bias_mode", bias_mode_name(m.bias_mode));
    f.set_attribute("seed", static_cast<std::int64_t>(m.seed));
    f.set_attribute("qat", std::int64_t{m.qat ? 1 : 0});
    f.set_attribute("noise_aware_sigma", m.noise_aware_sigma);
    f.set_attribute("n_layers", std::int64_t{m.n_layers()});
    f.set_attribute("n_out", std::int64_t{m.n_out()});
    f.set_attribute("n_in", std::int64_t{m.n_in()});
    write_features(f, m.features);
    model_file::write_layers(f, m);
    f.write("accuracy/float", {3}, std::vector<double>(m.acc_float.begin(), m.acc_float.end()));
    f.write("accuracy/ptq", {3}, std::vector<double>(m.acc_ptq.begin(), m.acc_ptq.end()));
    f.write("accuracy/qat", {3}, std::vector<double>(m.acc_qat.begin(), m.acc_qat.end()));
    f.open_group("accuracy").set_attribute("splits", "train,val,test");
    f.close();
  }
  out.commit();
}

Model load_model(const std::string& path) {
  const h5::File f = h5::File::open(path);
  for (const char* name :
       {"format", "method", "weight_bits", "r_on_ohm", "r_off_ohm", "spacing", "layout"}) {
    require_attribute(f, path, name);
  }
  if (f.string_attribute("format") != "xbarmc-model") {
    throw UserError(path + ": not an xbarmc model file (attribute format is '" +
                    f.string_attribute("format") + "')");
  }
  Model m;
  m.features.method = parse_feature_method(f.string_attribute("method"));
  read_mapping(f, path, m);
  if (f.has_attribute("seed")) m.seed = static_cast<std::uint64_t>(f.int_attribute("seed"));
  if (f.has_attribute("qat")) m.qat = f.int_attribute("qat") != 0;
  if (f.has_attribute("noise_aware_sigma"))
    m.noise_aware_sigma = f.double_attribute("noise_aware_sigma");
  read_features(f, path, m.features);
  model_file::read_layers(f, path, m);
  map_deployed_weights(m);
  const auto read_acc = [&](const std::string& name) {
    if (!f.exists(name)) return kNoAccuracy;
    const std::vector<double> v = read_checked<double>(f, path, name, {3});
    return SplitAccuracy{v[0], v[1], v[2]};
  };
  m.acc_float = read_acc("accuracy/float");
  m.acc_ptq = read_acc("accuracy/ptq");
  m.acc_qat = read_acc("accuracy/qat");
  return m;
}

}  // namespace xbarmc
