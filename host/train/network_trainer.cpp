#include "train/network_trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mapping/layer_mapping.hpp"
#include "optim/adam.hpp"
#include "optim/softmax.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

constexpr int kPlateauEpochs = 3;  // epochs without a lower val loss before lr halves

// scale·(pos·exp(σ·ξ_pos) − neg·exp(σ·ξ_neg)) per cell; ξ from the kNoiseAware stream
// keyed by (phase, mini-batch step), normals 2·(offset + cell) and 2·(offset + cell) + 1,
// cell = r·n_in + c, offset = the cells of the layers before.
Eigen::MatrixXd noisy_weights(const Eigen::MatrixXd& pos, const Eigen::MatrixXd& neg, double scale,
                              const Stream& s, std::uint32_t offset, double sigma) {
  Eigen::MatrixXd out(pos.rows(), pos.cols());
  for (Eigen::Index r = 0; r < pos.rows(); ++r) {
    for (Eigen::Index c = 0; c < pos.cols(); ++c) {
      const auto cell = offset + static_cast<std::uint32_t>(r * pos.cols() + c);
      const double f_pos = std::exp(sigma * stream_normal_double(s, 2 * cell));
      const double f_neg = std::exp(sigma * stream_normal_double(s, 2 * cell + 1));
      out(r, c) = scale * (pos(r, c) * f_pos - neg(r, c) * f_neg);
    }
  }
  return out;
}

// The normalised conductances G/g_max of each weight's cells, [n_out × n_in] like W.
Eigen::MatrixXd normalised(const std::vector<int>& levels, const LayerMapping& m,
                           const LevelTable& table) {
  Eigen::MatrixXd out(m.n_out, m.n_in);
  for (int i = 0; i < m.n_in; ++i) {
    for (int j = 0; j < m.n_out; ++j) {
      out(j, i) = table.normalised[levels[static_cast<std::size_t>(i) * m.n_out + j]];
    }
  }
  return out;
}

// The weights of one training forward pass.
NetworkParams training_forward(const NetworkParams& p, const NetworkTrainOptions& o,
                               const LevelTable& table, std::uint32_t step) {
  const bool noisy = o.noise_sigma > 0.0;
  if (o.forward == ForwardWeights::kFloat && !noisy) return p;
  const Stream s =
      make_stream(o.seed, Purpose::kNoiseAware, static_cast<std::uint32_t>(o.phase), step);
  NetworkParams f = p;
  std::uint32_t offset = 0;
  for (int l = 0; l < p.n_layers(); ++l) {
    const Eigen::MatrixXd& w = p.w[l];
    if (o.forward == ForwardWeights::kQuantized) {
      std::vector<double> bias;
      if (p.has_bias()) bias.assign(p.b[l].data(), p.b[l].data() + p.b[l].size());
      const LayerMapping m = map_network_layer(to_matrix(w), bias, o.bias_mode, o.mapping);
      f.w[l] = noisy ? noisy_weights(normalised(m.levels_pos, m, table),
                                     normalised(m.levels_neg, m, table), m.shared_max, s, offset,
                                     o.noise_sigma)
                     : to_eigen(m.w_q);
    } else {
      f.w[l] = noisy_weights(w.cwiseMax(0.0), (-w).cwiseMax(0.0), 1.0, s, offset, o.noise_sigma);
    }
    offset += static_cast<std::uint32_t>(w.size());
  }
  return f;
}

}  // namespace

double network_gradients(const NetworkParams& f, const MatrixRowD& batch,
                         const std::uint8_t* labels, std::vector<Eigen::MatrixXd>& grad_w,
                         std::vector<Eigen::VectorXd>& grad_b) {
  const int n_layers = f.n_layers();
  std::vector<Eigen::MatrixXd> z(static_cast<std::size_t>(n_layers));  // pre-activations
  for (int l = 0; l < n_layers; ++l) {
    if (l == 0) {
      z[0] = batch * f.w[0].transpose();  // logits [B × n_out] for one layer
    } else {
      z[l] = z[l - 1].cwiseMax(0.0) * f.w[l].transpose();
    }
    if (f.has_bias()) z[l].rowwise() += f.b[l].transpose();
  }
  const double loss = softmax_cross_entropy_grad(z[n_layers - 1], labels);
  Eigen::MatrixXd delta = std::move(z[n_layers - 1]);  // ∂L/∂z_L
  for (int l = n_layers - 1; l >= 0; --l) {
    if (l == 0) {
      grad_w[0] = delta.transpose() * batch;
    } else {
      grad_w[l] = delta.transpose() * z[l - 1].cwiseMax(0.0);
    }
    if (f.has_bias()) grad_b[l] = delta.colwise().sum().transpose();
    if (l > 0) {
      Eigen::MatrixXd back = delta * f.w[l];  // ∂L/∂h_{l−1}
      delta = back.cwiseProduct((z[l - 1].array() > 0.0).cast<double>().matrix());
    }
  }
  return loss;
}

NetworkParams initial_network(const std::vector<int>& sizes, bool bias, std::uint64_t seed) {
  NetworkParams p;
  const int n_layers = static_cast<int>(sizes.size()) - 1;
  for (int l = 0; l < n_layers; ++l) {
    const int n_in = sizes[l], n_out = sizes[l + 1];
    const double scale = n_layers == 1 ? 0.01 : std::sqrt(2.0 / n_in);
    const Stream s =
        make_stream(seed, Purpose::kInitialisation, static_cast<std::uint32_t>(TrainPhase::kFloat),
                    static_cast<std::uint32_t>(l));
    Eigen::MatrixXd w(n_out, n_in);
    for (int r = 0; r < n_out; ++r) {
      for (int c = 0; c < n_in; ++c) {
        w(r, c) = scale * stream_normal_double(s, static_cast<std::uint32_t>(r * n_in + c));
      }
    }
    p.w.push_back(std::move(w));
    if (bias) p.b.push_back(Eigen::VectorXd::Zero(n_out));
  }
  return p;
}

NetworkFitResult train_network(const FeatureSet& train, const FeatureSet& val,
                               const NetworkParams& init, const NetworkTrainOptions& o) {
  const LevelTable table = make_level_table(o.mapping);
  const int n = train.size();
  const int n_layers = init.n_layers();
  NetworkParams p = init;
  std::vector<Adam<Eigen::MatrixXd>> adam_w;
  std::vector<Adam<Eigen::VectorXd>> adam_b;
  for (int l = 0; l < n_layers; ++l) {
    adam_w.emplace_back(p.w[l].rows(), p.w[l].cols(), o.learning_rate);
    if (p.has_bias()) adam_b.emplace_back(p.b[l].rows(), 1, o.learning_rate);
  }
  std::vector<Eigen::MatrixXd> grad_w(static_cast<std::size_t>(n_layers));
  std::vector<Eigen::VectorXd> grad_b(static_cast<std::size_t>(n_layers));

  NetworkFitResult best;
  best.params = p;
  Evaluation e = evaluate(forward_weights(p, o.forward, o.mapping, o.bias_mode), val);
  best.best_val_accuracy = e.accuracy;
  double best_val_loss = e.loss;
  double learning_rate = o.learning_rate;
  int since_best = 0, since_lower_loss = 0;
  std::uint32_t step = 0;
  MatrixRowD batch;
  std::vector<std::uint8_t> batch_labels;
  for (int epoch = 1; epoch <= o.max_epochs; ++epoch) {
    const std::vector<int> perm = epoch_permutation(o.seed, o.phase, epoch, n);
    double loss = 0.0;
    for (int begin = 0; begin < n; begin += o.batch_size) {
      const int rows = std::min(o.batch_size, n - begin);
      batch.resize(rows, train.x.cols());
      batch_labels.resize(rows);
      for (int r = 0; r < rows; ++r) {
        batch.row(r) = train.x.row(perm[begin + r]);
        batch_labels[r] = train.y[perm[begin + r]];
      }
      const NetworkParams f = training_forward(p, o, table, step++);
      loss += network_gradients(f, batch, batch_labels.data(), grad_w, grad_b);
      for (int l = 0; l < n_layers; ++l) {
        adam_w[l].step(p.w[l], grad_w[l]);
        if (p.has_bias() && o.train_bias) adam_b[l].step(p.b[l], grad_b[l]);
      }
    }
    best.epochs_run = epoch;
    e = evaluate(forward_weights(p, o.forward, o.mapping, o.bias_mode), val);
    const double val_acc = e.accuracy;
    const bool better = val_acc > best.best_val_accuracy;
    if (better) {
      best.params = p;
      best.best_epoch = epoch;
      best.best_val_accuracy = val_acc;
    }
    // Progress is a better val accuracy or a lower val loss (smoother near the
    // optimum); a plateau of the loss halves the step so Adam settles.
    const bool lower_loss = e.loss < best_val_loss;
    if (lower_loss) best_val_loss = e.loss;
    since_best = (better || lower_loss) ? 0 : since_best + 1;
    since_lower_loss = lower_loss ? 0 : since_lower_loss + 1;
    if (since_lower_loss >= kPlateauEpochs) {
      learning_rate *= 0.5;
      for (auto& a : adam_w) a.set_learning_rate(learning_rate);
      for (auto& a : adam_b) a.set_learning_rate(learning_rate);
      since_lower_loss = 0;
    }
    if (o.progress) {
      char line[160];
      std::snprintf(line, sizeof line, "%s epoch %3d  loss %.4f  val acc %.4f%s",
                    o.forward == ForwardWeights::kFloat ? "float" : "qat", epoch,
                    loss / std::max(n, 1), val_acc, better ? "  *" : "");
      o.progress(line);
    }
    if (since_best >= o.patience) break;
  }
  return best;
}

}  // namespace xbarmc
