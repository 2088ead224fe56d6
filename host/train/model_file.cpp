#include "train/model_file.hpp"

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "io/h5.hpp"
#include "xbarmc/build_info.hpp"

namespace xbarmc {
namespace {

using h5::Shape;

Shape shape_of(const MatrixD& m) {
  return {static_cast<std::size_t>(m.rows), static_cast<std::size_t>(m.cols)};
}

std::string shape_text(const Shape& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "scalar" : out;
}

// Reads dataset `name` after checking its shape (before reading: a corrupt file may
// declare terabytes); messages name the file and dataset.
template <class T>
std::vector<T> read_checked(const h5::File& f, const std::string& path, const std::string& name,
                            const Shape& expected) {
  if (!f.exists(name)) throw UserError(path + ": not a model file: missing dataset /" + name);
  const h5::Dataset set = f.open_dataset(name);
  const Shape shape = set.shape();
  if (shape != expected) {
    throw UserError(path + ": dataset /" + name + " has shape " + shape_text(shape) +
                    ", expected " + shape_text(expected));
  }
  return set.read<T>().data;
}

MatrixD read_matrix(const h5::File& f, const std::string& path, const std::string& name, int rows,
                    int cols) {
  MatrixD m(rows, cols);
  m.data = read_checked<double>(f, path, name,
                                {static_cast<std::size_t>(rows), static_cast<std::size_t>(cols)});
  return m;
}

void require_attribute(const h5::File& f, const std::string& path, const std::string& name) {
  if (!f.has_attribute(name))
    throw UserError(path + ": not a model file: missing attribute " + name);
}

std::int64_t positive_int_attribute(const h5::Object& o, const std::string& path,
                                    const std::string& name, std::int64_t max) {
  const std::int64_t v = o.int_attribute(name);
  if (v < 1 || v > max) {
    throw UserError(path + ": attribute " + name + " = " + std::to_string(v) + " out of range");
  }
  return v;
}

}  // namespace

void save_model(const std::string& path, const Model& m) {
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
    f.set_attribute("seed", static_cast<std::int64_t>(m.seed));
    f.set_attribute("qat", std::int64_t{m.qat ? 1 : 0});
    f.set_attribute("noise_aware_sigma", m.noise_aware_sigma);
    f.set_attribute("n_out", std::int64_t{m.n_out()});
    f.set_attribute("n_in", std::int64_t{m.n_in()});
    f.set_attribute("shared_max", m.shared_max);

    const FeatureSpec& fs = m.features;
    const std::size_t n_feat = kNumFeatures, d = static_cast<std::size_t>(fs.input_size());
    f.write("features/lo", {n_feat}, fs.lo);
    f.write("features/hi", {n_feat}, fs.hi);
    if (is_projection(fs.method)) {
      f.write("features/projection", {n_feat, d}, fs.projection);
      f.write("features/mean", {d}, fs.mean);
    }
    const h5::Group features = f.open_group("features");
    features.set_attribute("input_rows", std::int64_t{fs.input_rows});
    features.set_attribute("input_cols", std::int64_t{fs.input_cols});

    f.write("weights/float", shape_of(m.w_float), m.w_float.data);
    if (m.qat) f.write("weights/qat", shape_of(m.w_qat), m.w_qat.data);
    f.write("weights/deployed", shape_of(m.w_deployed), m.w_deployed.data);
    f.write("weights/quantized", shape_of(m.w_quantized), m.w_quantized.data);

    const std::size_t n_in = static_cast<std::size_t>(m.n_in()),
                      n_out = static_cast<std::size_t>(m.n_out());
    const std::vector<std::int32_t> pos(m.levels_pos.begin(), m.levels_pos.end());
    const std::vector<std::int32_t> neg(m.levels_neg.begin(), m.levels_neg.end());
    f.write("mapping/levels_pos", {n_in, n_out}, pos);
    f.write("mapping/levels_neg", {n_in, n_out}, neg);
    f.write("mapping/g_target", {n_in, 2 * n_out}, m.g_target_s).set_attribute("units", "S");

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
  for (const char* name : {"format", "method", "weight_bits", "r_on_ohm", "r_off_ohm", "spacing",
                           "layout", "seed", "qat", "n_out", "n_in"}) {
    require_attribute(f, path, name);
  }
  if (f.string_attribute("format") != "xbarmc-model") {
    throw UserError(path + ": not an xbarmc model file (attribute format is '" +
                    f.string_attribute("format") + "')");
  }
  Model m;
  m.features.method = parse_feature_method(f.string_attribute("method"));
  m.mapping.weight_bits =
      static_cast<int>(positive_int_attribute(f, path, "weight_bits", kMaxWeightBits));
  m.mapping.r_on_ohm = f.double_attribute("r_on_ohm");
  m.mapping.r_off_ohm = f.double_attribute("r_off_ohm");
  if (!(m.mapping.r_on_ohm > 0.0) || !(m.mapping.r_off_ohm > m.mapping.r_on_ohm)) {
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
  m.seed = static_cast<std::uint64_t>(f.int_attribute("seed"));
  m.qat = f.int_attribute("qat") != 0;
  if (f.has_attribute("noise_aware_sigma"))
    m.noise_aware_sigma = f.double_attribute("noise_aware_sigma");
  const int n_out = static_cast<int>(positive_int_attribute(f, path, "n_out", 65535));
  const int n_in = static_cast<int>(positive_int_attribute(f, path, "n_in", 65535));
  if (n_in != kNumFeatures) {
    throw UserError(path + ": n_in = " + std::to_string(n_in) + ", expected " +
                    std::to_string(kNumFeatures));
  }

  FeatureSpec& fs = m.features;
  if (!f.exists("features")) throw UserError(path + ": not a model file: missing group /features");
  const h5::Group features = f.open_group("features");
  for (const char* name : {"input_rows", "input_cols"}) {
    if (!features.has_attribute(name))
      throw UserError(path + ": /features lacks attribute " + name);
  }
  fs.input_rows = static_cast<int>(positive_int_attribute(features, path, "input_rows", 4096));
  fs.input_cols = static_cast<int>(positive_int_attribute(features, path, "input_cols", 4096));
  const std::size_t n_feat = kNumFeatures, d = static_cast<std::size_t>(fs.input_size());
  fs.lo = read_checked<double>(f, path, "features/lo", {n_feat});
  fs.hi = read_checked<double>(f, path, "features/hi", {n_feat});
  if (is_projection(fs.method)) {
    fs.projection = read_checked<double>(f, path, "features/projection", {n_feat, d});
    fs.mean = read_checked<double>(f, path, "features/mean", {d});
  }
  validate_feature_spec(fs, path);

  m.w_float = read_matrix(f, path, "weights/float", n_out, n_in);
  if (m.qat) m.w_qat = read_matrix(f, path, "weights/qat", n_out, n_in);
  m.w_deployed = read_matrix(f, path, "weights/deployed", n_out, n_in);
  m.w_quantized = read_matrix(f, path, "weights/quantized", n_out, n_in);
  const Shape pair = {static_cast<std::size_t>(n_in), static_cast<std::size_t>(n_out)};
  const std::vector<std::int32_t> pos =
      read_checked<std::int32_t>(f, path, "mapping/levels_pos", pair);
  const std::vector<std::int32_t> neg =
      read_checked<std::int32_t>(f, path, "mapping/levels_neg", pair);
  m.levels_pos.assign(pos.begin(), pos.end());
  m.levels_neg.assign(neg.begin(), neg.end());
  const int top = m.mapping.n_levels() - 1;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    if (pos[i] < 0 || pos[i] > top || neg[i] < 0 || neg[i] > top) {
      throw UserError(path + ": /mapping/levels_* holds a level outside 0.." + std::to_string(top));
    }
  }
  m.g_target_s =
      read_checked<double>(f, path, "mapping/g_target",
                           {static_cast<std::size_t>(n_in), 2 * static_cast<std::size_t>(n_out)});
  m.shared_max = f.has_attribute("shared_max") ? f.double_attribute("shared_max") : 0.0;
  const auto read_acc = [&](const std::string& name) {
    const std::vector<double> v = read_checked<double>(f, path, name, {3});
    return SplitAccuracy{v[0], v[1], v[2]};
  };
  m.acc_float = read_acc("accuracy/float");
  m.acc_ptq = read_acc("accuracy/ptq");
  m.acc_qat = read_acc("accuracy/qat");
  return m;
}

MatrixD load_model_weights(const std::string& path) {
  return load_model(path).w_deployed;
}

}  // namespace xbarmc
