#include "train/linear_trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "optim/adam.hpp"
#include "optim/softmax.hpp"
#include "train/quantize.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

constexpr int kPlateauEpochs = 3;  // epochs without a lower val loss before lr halves

// exp(σ·ξ) for each cell of the pair; ξ from the kNoiseAware stream keyed by
// (phase, mini-batch step), normals 2·cell and 2·cell+1 for the pos/neg columns.
Eigen::MatrixXd noisy_weights(const Eigen::MatrixXd& pos, const Eigen::MatrixXd& neg, double scale,
                              double sigma, std::uint64_t seed, TrainPhase phase,
                              std::uint32_t step) {
  const Stream s = make_stream(seed, Purpose::kNoiseAware, static_cast<std::uint32_t>(phase), step);
  Eigen::MatrixXd out(pos.rows(), pos.cols());
  for (Eigen::Index r = 0; r < pos.rows(); ++r) {
    for (Eigen::Index c = 0; c < pos.cols(); ++c) {
      const auto cell = static_cast<std::uint32_t>(r * pos.cols() + c);
      const double f_pos = std::exp(sigma * stream_normal_double(s, 2 * cell));
      const double f_neg = std::exp(sigma * stream_normal_double(s, 2 * cell + 1));
      out(r, c) = scale * (pos(r, c) * f_pos - neg(r, c) * f_neg);
    }
  }
  return out;
}

// The weights of one training forward pass.
Eigen::MatrixXd training_forward(const Eigen::MatrixXd& w, const LinearTrainOptions& o,
                                 const LevelTable& levels, std::uint32_t step) {
  if (o.forward == ForwardWeights::kQuantized) {
    const QuantizedLayer q = quantize_layer(w, levels);
    if (!(o.noise_sigma > 0.0)) return q.w_q;
    return noisy_weights(normalised_pos(q, levels), normalised_neg(q, levels), q.shared_max,
                         o.noise_sigma, o.seed, o.phase, step);
  }
  if (!(o.noise_sigma > 0.0)) return w;
  return noisy_weights(w.cwiseMax(0.0), (-w).cwiseMax(0.0), 1.0, o.noise_sigma, o.seed, o.phase,
                       step);
}

}  // namespace

Eigen::MatrixXd initial_weights(int n_out, int n_in, std::uint64_t seed) {
  const Stream s =
      make_stream(seed, Purpose::kInitialisation, static_cast<std::uint32_t>(TrainPhase::kFloat));
  Eigen::MatrixXd w(n_out, n_in);
  for (int r = 0; r < n_out; ++r) {
    for (int c = 0; c < n_in; ++c) {
      w(r, c) = 0.01 * stream_normal_double(s, static_cast<std::uint32_t>(r * n_in + c));
    }
  }
  return w;
}

Eigen::MatrixXd forward_weights(const Eigen::MatrixXd& w, ForwardWeights mode,
                                const MappingParams& mapping) {
  if (mode == ForwardWeights::kFloat) return w;
  return quantize_layer(w, make_level_table(mapping)).w_q;
}

namespace {

struct Evaluation {
  double accuracy = 0.0;
  double loss = 0.0;  // mean cross-entropy
};

Evaluation evaluate(const Eigen::MatrixXd& w, const FeatureSet& set) {
  constexpr Eigen::Index kChunk = 4096;
  int correct = 0;
  double loss = 0.0;
  for (Eigen::Index begin = 0; begin < set.x.rows(); begin += kChunk) {
    const Eigen::Index rows = std::min(kChunk, set.x.rows() - begin);
    Eigen::MatrixXd logits = set.x.middleRows(begin, rows) * w.transpose();
    correct += count_correct(logits, set.y.data() + begin);
    loss += softmax_cross_entropy_grad(logits, set.y.data() + begin);
  }
  const double n = std::max(set.size(), 1);
  return {correct / n, loss / n};
}

}  // namespace

double accuracy(const Eigen::MatrixXd& w, const FeatureSet& set) {
  if (set.size() == 0) return std::nan("");
  return evaluate(w, set).accuracy;
}

LinearFitResult train_linear(const FeatureSet& train, const FeatureSet& val,
                             const Eigen::MatrixXd& w_init, const LinearTrainOptions& o) {
  const LevelTable levels = make_level_table(o.mapping);
  const int n = train.size();
  Eigen::MatrixXd w = w_init;
  Adam<Eigen::MatrixXd> adam(w.rows(), w.cols(), o.learning_rate);

  LinearFitResult best;
  best.w = w;
  Evaluation e = evaluate(forward_weights(w, o.forward, o.mapping), val);
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
      const Eigen::MatrixXd w_forward = training_forward(w, o, levels, step++);
      Eigen::MatrixXd grad = batch * w_forward.transpose();  // logits [B × n_out]
      loss += softmax_cross_entropy_grad(grad, batch_labels.data());
      const Eigen::MatrixXd grad_w = grad.transpose() * batch;  // STE: ∂L/∂W = ∂L/∂W_f
      adam.step(w, grad_w);
    }
    best.epochs_run = epoch;
    e = evaluate(forward_weights(w, o.forward, o.mapping), val);
    const double val_acc = e.accuracy;
    const bool better = val_acc > best.best_val_accuracy;
    if (better) {
      best.w = w;
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
      adam.set_learning_rate(learning_rate);
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
