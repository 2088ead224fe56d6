// Reading helpers of the model file (model_file.hpp): every check happens before the
// data is read (a corrupt file may declare terabytes) and every message names the file
// and the dataset or attribute.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/matrix.hpp"
#include "io/h5.hpp"

namespace xbarmc::model_file {

// Largest dimension of any weight matrix (inputs, outputs of a layer).
constexpr std::int64_t kMaxDimension = 65535;

std::string shape_text(const h5::Shape& s);

// Dataset `name` of `g` after checking that it exists and has shape `expected`.
template <class T>
std::vector<T> read_checked(const h5::Group& g, const std::string& path, const std::string& name,
                            const h5::Shape& expected);

// A [rows × cols] float64 matrix whose values must all be finite.
MatrixD read_finite_matrix(const h5::Group& g, const std::string& path, const std::string& name,
                           int rows, int cols);

// The shape of dataset `name`, which must exist and have `rank` dimensions, each in
// 1..kMaxDimension.
h5::Shape checked_shape(const h5::Group& g, const std::string& path, const std::string& name,
                        std::size_t rank);

// Throws "<path>: /<where> holds a NaN or infinite value (<name>)" unless all are finite.
void require_finite(const std::vector<double>& values, const std::string& path,
                    const std::string& name);

void require_attribute(const h5::Object& o, const std::string& path, const std::string& name);
std::int64_t int_attribute_in(const h5::Object& o, const std::string& path, const std::string& name,
                              std::int64_t lo, std::int64_t hi);

}  // namespace xbarmc::model_file
