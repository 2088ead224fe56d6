// Principal component analysis (seed §4): centre the data, take the covariance
// C = Xcᵀ·Xc/(n−1) and its top-k eigenvectors, z_i = v_iᵀ·(x − μ). Each component's
// sign is fixed so that its largest-magnitude entry is positive (deterministic).
#pragma once

#include <Eigen/Dense>

namespace xbarmc {

struct PcaResult {
  Eigen::MatrixXd components;  // [k × d], rows orthonormal, by decreasing variance
  Eigen::VectorXd mean;        // [d]
  Eigen::VectorXd variances;   // [k] eigenvalues of C, decreasing
};

// `x` holds n samples as rows (n ≥ 2, k ≤ d).
PcaResult fit_pca(const Eigen::MatrixXd& x, int k);

}  // namespace xbarmc
