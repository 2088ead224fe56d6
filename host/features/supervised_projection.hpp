// Supervised linear projection (seed §3): z = P·x with P [k × d] trained jointly
// with a temporary head logits = A·z + c by softmax cross-entropy and Adam; the
// head is discarded. P is the best epoch by the head's val accuracy.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xbarmc {

using MatrixRowF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct SupervisedProjectionOptions {
  int max_epochs = 15;
  int patience = 5;  // stop after this many epochs without a better val accuracy
  int batch_size = 256;
  double learning_rate = 2e-3;  // initial; cosine-annealed over max_epochs
  std::uint64_t seed = 0;
  std::function<void(const std::string&)> progress;  // one line per epoch, may be empty
};

// x_* are centred inputs as rows; returns P [k × d].
Eigen::MatrixXd train_supervised_projection(const MatrixRowF& x_train,
                                            const std::vector<std::uint8_t>& y_train,
                                            const MatrixRowF& x_val,
                                            const std::vector<std::uint8_t>& y_val, int n_classes,
                                            int k, const SupervisedProjectionOptions& options);

}  // namespace xbarmc
