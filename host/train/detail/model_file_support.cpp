#include "train/detail/model_file_support.hpp"

#include <cmath>

#include "common/errors.hpp"

namespace xbarmc::model_file {

std::string shape_text(const h5::Shape& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out.empty() ? "scalar" : out;
}

namespace {

std::string full_name(const h5::Group& g, const std::string& name) {
  const std::string& base = g.path();
  return (base.empty() || base == "/" ? "/" : base + "/") + name;
}

}  // namespace

template <class T>
std::vector<T> read_checked(const h5::Group& g, const std::string& path, const std::string& name,
                            const h5::Shape& expected) {
  if (!g.exists(name)) {
    throw UserError(path + ": not a model file: missing dataset " + full_name(g, name));
  }
  const h5::Dataset set = g.open_dataset(name);
  const h5::Shape shape = set.shape();
  if (shape != expected) {
    throw UserError(path + ": dataset " + full_name(g, name) + " has shape " + shape_text(shape) +
                    ", expected " + shape_text(expected));
  }
  return set.read<T>().data;
}
template std::vector<double> read_checked(const h5::Group&, const std::string&, const std::string&,
                                          const h5::Shape&);
template std::vector<std::int32_t> read_checked(const h5::Group&, const std::string&,
                                                const std::string&, const h5::Shape&);

void require_finite(const std::vector<double>& values, const std::string& path,
                    const std::string& name) {
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!std::isfinite(values[k])) {
      throw UserError(path + ": dataset " + name + " holds " +
                      (std::isnan(values[k]) ? "a NaN" : "an infinite value") + " at element " +
                      std::to_string(k));
    }
  }
}

MatrixD read_finite_matrix(const h5::Group& g, const std::string& path, const std::string& name,
                           int rows, int cols) {
  MatrixD m(rows, cols);
  m.data = read_checked<double>(g, path, name,
                                {static_cast<std::size_t>(rows), static_cast<std::size_t>(cols)});
  require_finite(m.data, path, full_name(g, name));
  return m;
}

h5::Shape checked_shape(const h5::Group& g, const std::string& path, const std::string& name,
                        std::size_t rank) {
  if (!g.exists(name)) {
    throw UserError(path + ": not a model file: missing dataset " + full_name(g, name));
  }
  const h5::Shape shape = g.open_dataset(name).shape();
  bool ok = shape.size() == rank;
  for (std::size_t d : shape) ok = ok && d >= 1 && d <= static_cast<std::size_t>(kMaxDimension);
  if (!ok) {
    throw UserError(path + ": dataset " + full_name(g, name) + " has shape " + shape_text(shape) +
                    ", expected " + std::to_string(rank) + " dimension" + (rank == 1 ? "" : "s") +
                    " of 1.." + std::to_string(kMaxDimension));
  }
  return shape;
}

void require_attribute(const h5::Object& o, const std::string& path, const std::string& name) {
  if (!o.has_attribute(name)) {
    throw UserError(path + ": not a model file: missing attribute " + name);
  }
}

std::int64_t int_attribute_in(const h5::Object& o, const std::string& path, const std::string& name,
                              std::int64_t lo, std::int64_t hi) {
  const std::int64_t v = o.int_attribute(name);
  if (v < lo || v > hi) {
    throw UserError(path + ": attribute " + name + " = " + std::to_string(v) + " out of range");
  }
  return v;
}

}  // namespace xbarmc::model_file
