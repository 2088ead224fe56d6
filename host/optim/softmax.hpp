// Softmax cross-entropy on a batch of logits (seed §3): p_i = e^{s_i}/Σ_j e^{s_j},
// L = −log p_y. The gradient of the mean loss w.r.t. the logits is (p − onehot(y))/B.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>

namespace xbarmc {

// Turns each row of `logits` [B × C] into the gradient of the batch-mean loss and
// returns the summed (not mean) loss. labels[r] is row r's class.
template <class Matrix>
double softmax_cross_entropy_grad(Matrix& logits, const std::uint8_t* labels) {
  using Scalar = typename Matrix::Scalar;
  const Eigen::Index b = logits.rows();
  double loss = 0.0;
  for (Eigen::Index r = 0; r < b; ++r) {
    auto row = logits.row(r);
    const Scalar top = row.maxCoeff();
    row.array() = (row.array() - top).exp();
    const Scalar sum = row.sum();
    row /= sum;
    loss -= std::log(std::max(static_cast<double>(row(labels[r])), 1e-30));
    row(labels[r]) -= Scalar(1);
  }
  logits /= static_cast<Scalar>(b);
  return loss;
}

// argmax of each row, ties to the lower index; returns how many equal the labels.
template <class Matrix>
int count_correct(const Matrix& logits, const std::uint8_t* labels) {
  int correct = 0;
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < logits.cols(); ++c) {
      if (logits(r, c) > logits(r, best)) best = c;
    }
    correct += (best == labels[r]) ? 1 : 0;
  }
  return correct;
}

}  // namespace xbarmc
