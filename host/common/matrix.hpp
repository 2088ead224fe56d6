// A dense row-major matrix of doubles: the plain struct in which weights, conductances
// and voltages cross module boundaries (readers in io/, mapping, training, the CLI).
#pragma once

#include <cstddef>
#include <vector>

namespace xbarmc {

struct MatrixD {
  int rows = 0, cols = 0;
  std::vector<double> data;

  MatrixD() = default;
  MatrixD(int n_rows, int n_cols)
      : rows(n_rows), cols(n_cols), data(static_cast<std::size_t>(n_rows) * n_cols, 0.0) {}

  double operator()(int r, int c) const { return data[static_cast<std::size_t>(r) * cols + c]; }
  double& operator()(int r, int c) { return data[static_cast<std::size_t>(r) * cols + c]; }
};

}  // namespace xbarmc
