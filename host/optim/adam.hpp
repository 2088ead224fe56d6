// Adam (Kingma & Ba 2015) on one dense Eigen parameter block:
//   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
//   θ ← θ − lr·m̂/(√v̂ + ε),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
#pragma once

#include <Eigen/Dense>
#include <cmath>

namespace xbarmc {

template <class Matrix>
class Adam {
 public:
  using Scalar = typename Matrix::Scalar;

  Adam(Eigen::Index rows, Eigen::Index cols, double learning_rate)
      : m_(Matrix::Zero(rows, cols)), v_(Matrix::Zero(rows, cols)), lr_(learning_rate) {}

  void step(Matrix& param, const Matrix& grad) {
    ++t_;
    m_ = kBeta1 * m_ + (Scalar(1) - kBeta1) * grad;
    v_ = kBeta2 * v_ + (Scalar(1) - kBeta2) * grad.cwiseProduct(grad);
    const double c1 = 1.0 - std::pow(static_cast<double>(kBeta1), t_);
    const double c2 = 1.0 - std::pow(static_cast<double>(kBeta2), t_);
    const auto step_size = static_cast<Scalar>(lr_ / c1);
    const auto inv_sqrt_c2 = static_cast<Scalar>(1.0 / std::sqrt(c2));
    param.array() -= step_size * m_.array() / ((v_.array().sqrt() * inv_sqrt_c2) + kEpsilon);
  }

  void set_learning_rate(double lr) { lr_ = lr; }

 private:
  static constexpr Scalar kBeta1 = Scalar(0.9);
  static constexpr Scalar kBeta2 = Scalar(0.999);
  static constexpr Scalar kEpsilon = Scalar(1e-8);
  Matrix m_, v_;
  double lr_;
  int t_ = 0;
};

}  // namespace xbarmc
