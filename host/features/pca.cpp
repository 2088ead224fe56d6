#include "features/pca.hpp"

#include <algorithm>

#include "common/errors.hpp"

namespace xbarmc {

PcaResult fit_pca(const Eigen::MatrixXd& x, int k) {
  const Eigen::Index n = x.rows(), d = x.cols();
  if (n < 2 || k < 1 || k > d) throw InternalError("fit_pca: need n >= 2 and 1 <= k <= d");
  PcaResult out;
  out.mean = x.colwise().mean().transpose();
  // Covariance in fixed chunks of rows: bounded memory, same sums on every run.
  constexpr Eigen::Index kChunk = 1024;
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
  for (Eigen::Index begin = 0; begin < n; begin += kChunk) {
    const Eigen::Index rows = std::min(kChunk, n - begin);
    const Eigen::MatrixXd centred = x.middleRows(begin, rows).rowwise() - out.mean.transpose();
    cov.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
  }
  cov = cov.selfadjointView<Eigen::Lower>();
  cov /= static_cast<double>(n - 1);

  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success) throw InternalError("fit_pca: eigensolver failed");
  out.components.resize(k, d);
  out.variances.resize(k);
  for (int c = 0; c < k; ++c) {
    const Eigen::Index src = d - 1 - c;  // eigenvalues come in increasing order
    Eigen::VectorXd v = solver.eigenvectors().col(src);
    Eigen::Index arg = 0;
    v.cwiseAbs().maxCoeff(&arg);
    if (v(arg) < 0.0) v = -v;
    out.components.row(c) = v.transpose();
    out.variances(c) = std::max(0.0, solver.eigenvalues()(src));
  }
  return out;
}

}  // namespace xbarmc
