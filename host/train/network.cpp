#include "train/network.hpp"

#include <algorithm>
#include <cmath>

#include "mapping/layer_mapping.hpp"
#include "optim/softmax.hpp"

namespace xbarmc {

Eigen::MatrixXd to_eigen(const MatrixD& m) {
  Eigen::MatrixXd out(m.rows, m.cols);
  for (int r = 0; r < m.rows; ++r) {
    for (int c = 0; c < m.cols; ++c) out(r, c) = m(r, c);
  }
  return out;
}

MatrixD to_matrix(const Eigen::MatrixXd& m) {
  MatrixD out(static_cast<int>(m.rows()), static_cast<int>(m.cols()));
  for (int r = 0; r < out.rows; ++r) {
    for (int c = 0; c < out.cols; ++c) out(r, c) = m(r, c);
  }
  return out;
}

NetworkParams model_network(const Model& m, ForwardWeights which) {
  NetworkParams p;
  for (const ModelLayer& l : m.layers) {
    p.w.push_back(to_eigen(which == ForwardWeights::kFloat ? l.w_float : l.w_quantized));
  }
  if (m.has_bias()) {
    for (const ModelLayer& l : m.layers) {
      Eigen::VectorXd b = Eigen::VectorXd::Zero(l.n_out());
      for (std::size_t j = 0; j < l.bias.size(); ++j) b(static_cast<Eigen::Index>(j)) = l.bias[j];
      p.b.push_back(std::move(b));
    }
  }
  return p;
}

NetworkParams forward_weights(const NetworkParams& p, ForwardWeights mode,
                              const MappingParams& mapping, BiasMode bias_mode) {
  if (mode == ForwardWeights::kFloat) return p;
  NetworkParams q = p;
  for (int l = 0; l < p.n_layers(); ++l) {
    std::vector<double> bias;
    if (p.has_bias()) bias.assign(p.b[l].data(), p.b[l].data() + p.b[l].size());
    q.w[l] = to_eigen(map_network_layer(to_matrix(p.w[l]), bias, bias_mode, mapping).w_q);
  }
  return q;
}

Evaluation evaluate(const NetworkParams& p, const FeatureSet& set) {
  constexpr Eigen::Index kChunk = 4096;
  int correct = 0;
  double loss = 0.0;
  const int last = p.n_layers() - 1;
  for (Eigen::Index begin = 0; begin < set.x.rows(); begin += kChunk) {
    const Eigen::Index rows = std::min(kChunk, set.x.rows() - begin);
    // The first product reads the features in place (row-major), as one-layer training
    // always has; hidden activations are column-major.
    Eigen::MatrixXd z = set.x.middleRows(begin, rows) * p.w[0].transpose();
    for (int l = 0; l <= last; ++l) {
      if (l > 0) z = z.cwiseMax(0.0) * p.w[l].transpose();
      if (p.has_bias()) z.rowwise() += p.b[l].transpose();
    }
    correct += count_correct(z, set.y.data() + begin);
    loss += softmax_cross_entropy_grad(z, set.y.data() + begin);
  }
  const double n = std::max(set.size(), 1);
  return {correct / n, loss / n};
}

double accuracy(const NetworkParams& p, const FeatureSet& set) {
  if (set.size() == 0) return std::nan("");
  return evaluate(p, set).accuracy;
}

}  // namespace xbarmc
