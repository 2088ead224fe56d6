#include "features/supervised_projection.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "data/shuffle.hpp"
#include "optim/adam.hpp"
#include "optim/softmax.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

using MatrixF = Eigen::MatrixXf;

// N(0, scale²) entries from the kInitialisation stream (a = phase, b = tensor).
MatrixF random_normal(std::uint64_t seed, std::uint32_t tensor, Eigen::Index rows,
                      Eigen::Index cols, double scale) {
  const Stream s =
      make_stream(seed, Purpose::kInitialisation,
                  static_cast<std::uint32_t>(TrainPhase::kSupervisedProjection), tensor);
  MatrixF m(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) {
      const auto i = static_cast<std::uint32_t>(r * cols + c);
      m(r, c) = static_cast<float>(scale * stream_normal_double(s, i));
    }
  }
  return m;
}

double head_accuracy(const MatrixRowF& x, const std::vector<std::uint8_t>& y, const MatrixF& p,
                     const MatrixF& a, const Eigen::RowVectorXf& c) {
  constexpr Eigen::Index kChunk = 2048;
  int correct = 0;
  for (Eigen::Index begin = 0; begin < x.rows(); begin += kChunk) {
    const Eigen::Index rows = std::min(kChunk, x.rows() - begin);
    MatrixF logits = (x.middleRows(begin, rows) * p.transpose()) * a.transpose();
    logits.rowwise() += c;
    correct += count_correct(logits, y.data() + begin);
  }
  return static_cast<double>(correct) / static_cast<double>(x.rows());
}

}  // namespace

Eigen::MatrixXd train_supervised_projection(const MatrixRowF& x_train,
                                            const std::vector<std::uint8_t>& y_train,
                                            const MatrixRowF& x_val,
                                            const std::vector<std::uint8_t>& y_val, int n_classes,
                                            int k, const SupervisedProjectionOptions& options) {
  const Eigen::Index n = x_train.rows(), d = x_train.cols();
  // He-style scales keep the initial logits O(1).
  MatrixF p = random_normal(options.seed, 0, k, d, 1.0 / std::sqrt(static_cast<double>(d)));
  MatrixF a = random_normal(options.seed, 1, n_classes, k, 1.0 / std::sqrt(static_cast<double>(k)));
  Eigen::RowVectorXf c = Eigen::RowVectorXf::Zero(n_classes);
  Adam<MatrixF> adam_p(k, d, options.learning_rate), adam_a(n_classes, k, options.learning_rate);
  Adam<Eigen::RowVectorXf> adam_c(1, n_classes, options.learning_rate);

  MatrixF best_p = p;
  double best_val = head_accuracy(x_val, y_val, p, a, c);
  int since_best = 0;
  MatrixRowF batch;
  std::vector<std::uint8_t> batch_labels;
  for (int epoch = 0; epoch < options.max_epochs; ++epoch) {
    const std::vector<int> perm = epoch_permutation(options.seed, TrainPhase::kSupervisedProjection,
                                                    epoch, static_cast<int>(n));
    // Cosine annealing of the step over max_epochs lets Adam settle near the optimum.
    const double lr = options.learning_rate * 0.5 *
                      (1.0 + std::cos(M_PI * epoch / static_cast<double>(options.max_epochs)));
    adam_p.set_learning_rate(lr);
    adam_a.set_learning_rate(lr);
    adam_c.set_learning_rate(lr);
    double loss = 0.0;
    for (Eigen::Index begin = 0; begin < n; begin += options.batch_size) {
      const Eigen::Index rows = std::min<Eigen::Index>(options.batch_size, n - begin);
      batch.resize(rows, d);
      batch_labels.resize(rows);
      for (Eigen::Index r = 0; r < rows; ++r) {
        batch.row(r) = x_train.row(perm[begin + r]);
        batch_labels[r] = y_train[perm[begin + r]];
      }
      const MatrixF z = batch * p.transpose();  // [B × k]
      MatrixF grad = z * a.transpose();         // logits [B × C]
      grad.rowwise() += c;
      loss += softmax_cross_entropy_grad(grad, batch_labels.data());
      const MatrixF grad_a = grad.transpose() * z;  // [C × k]
      const Eigen::RowVectorXf grad_c = grad.colwise().sum();
      const MatrixF grad_z = grad * a;                    // [B × k]
      const MatrixF grad_p = grad_z.transpose() * batch;  // [k × d]
      adam_p.step(p, grad_p);
      adam_a.step(a, grad_a);
      adam_c.step(c, grad_c);
    }
    const double val = head_accuracy(x_val, y_val, p, a, c);
    const bool better = val > best_val;
    if (better) {
      best_val = val;
      best_p = p;
      since_best = 0;
    } else {
      ++since_best;
    }
    if (options.progress) {
      char line[160];
      std::snprintf(line, sizeof line, "proj_sup epoch %2d  loss %.4f  head val acc %.4f%s",
                    epoch + 1, loss / static_cast<double>(n), val, better ? "  *" : "");
      options.progress(line);
    }
    if (since_best >= options.patience) break;
  }
  return best_p.cast<double>();
}

}  // namespace xbarmc
