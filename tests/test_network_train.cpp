// Training of networks (DESIGN §2.7): backpropagation against finite differences, hidden
// layers that learn, QAT through every layer's W_q, the row-bias mapping rule, bit-identical
// models per seed, and one-layer training that still gives the bits of the one-layer
// trainer of before (the fixture tests/data/model_v1_blocked.h5, written by 5c82fed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "io/h5.hpp"
#include "mapping/layer_mapping.hpp"
#include "test_train_data.hpp"
#include "train/network.hpp"
#include "train/network_trainer.hpp"
#include "train/train_pipeline.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

double philox_value(const Stream& s, std::uint32_t i) {
  return stream_normal_double(s, i);
}

TEST(NetworkTrain, BackpropagationMatchesFiniteDifferences) {
  // 5 → 4 → 3 → 3 with biases on a batch of 6: ∂(mean loss)/∂θ by central differences
  // of the summed loss, h = 1e-6, against network_gradients.
  const Stream s = make_stream(5, Purpose::kInitialisation, 99);
  std::uint32_t k = 0;
  NetworkParams p;
  for (const auto& [n_out, n_in] : {std::pair{4, 5}, std::pair{3, 4}, std::pair{3, 3}}) {
    Eigen::MatrixXd w(n_out, n_in);
    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = 0.8 * philox_value(s, k++);
    Eigen::VectorXd b(n_out);
    for (Eigen::Index i = 0; i < b.size(); ++i) b(i) = 0.3 * philox_value(s, k++);
    p.w.push_back(w);
    p.b.push_back(b);
  }
  MatrixRowD batch(6, 5);
  for (Eigen::Index i = 0; i < batch.size(); ++i) batch.data()[i] = philox_value(s, k++);
  const std::vector<std::uint8_t> labels = {0, 1, 2, 2, 1, 0};
  std::vector<Eigen::MatrixXd> gw(3), scratch_w(3);
  std::vector<Eigen::VectorXd> gb(3), scratch_b(3);
  network_gradients(p, batch, labels.data(), gw, gb);
  const auto loss = [&](const NetworkParams& q) {
    return network_gradients(q, batch, labels.data(), scratch_w, scratch_b) / 6.0;
  };
  constexpr double h = 1e-6;
  for (int l = 0; l < 3; ++l) {
    for (Eigen::Index i = 0; i < p.w[l].size(); ++i) {
      NetworkParams up = p, down = p;
      up.w[l].data()[i] += h;
      down.w[l].data()[i] -= h;
      const double numeric = (loss(up) - loss(down)) / (2 * h);
      EXPECT_NEAR(gw[l].data()[i], numeric, 1e-7 + 1e-5 * std::abs(numeric))
          << "W" << l << " " << i;
    }
    for (Eigen::Index i = 0; i < p.b[l].size(); ++i) {
      NetworkParams up = p, down = p;
      up.b[l](i) += h;
      down.b[l](i) -= h;
      const double numeric = (loss(up) - loss(down)) / (2 * h);
      EXPECT_NEAR(gb[l](i), numeric, 1e-7 + 1e-5 * std::abs(numeric)) << "b" << l << " " << i;
    }
  }
}

TEST(NetworkTrain, HiddenLayersWithBiasesLearnTheBlocksFromRawPixels) {
  const Dataset d = testing_data::block_dataset(600, 100);
  TrainConfig c;
  c.method = FeatureMethod::kRaw;
  c.hidden = {16};
  c.bias = true;
  c.epochs = 15;
  const Model m = train_model(d, c);
  ASSERT_EQ(m.n_layers(), 2);
  EXPECT_EQ(m.n_in(), 784);
  EXPECT_EQ(m.layers[0].n_out(), 16);
  EXPECT_EQ(m.n_out(), 10);
  EXPECT_EQ(m.layers[1].bias.size(), 10u);
  EXPECT_GT(m.acc_float[1], 0.95);
  EXPECT_GT(m.acc_float[2], 0.95);
}

TEST(NetworkTrain, QatForwardUsesEveryLayersMappedWeights) {
  const Dataset d = testing_data::block_dataset(300, 60);
  TrainConfig c;
  c.method = FeatureMethod::kAvg8x8;
  c.hidden = {12};
  c.bias = true;
  c.mapping.weight_bits = 3;
  c.qat = true;
  c.epochs = 8;
  c.qat_epochs = 4;
  const Model m = train_model(d, c);
  for (const ModelLayer& l : m.layers) {
    EXPECT_EQ(l.w_deployed.data, l.w_qat.data);
    EXPECT_NE(l.w_qat.data, l.w_float.data);
    const LayerMapping mapped = map_network_layer(l.w_deployed, l.bias, m.bias_mode, m.mapping);
    EXPECT_EQ(l.w_quantized.data, mapped.w_q.data);
    EXPECT_FALSE(l.bias_row);
  }
  // The table's QAT accuracy is the mapped network's: every W_q, biases exact.
  const FeatureSet val = make_feature_set(m.features, d.val);
  EXPECT_EQ(accuracy(model_network(m, ForwardWeights::kQuantized), val), m.acc_qat[1]);
  EXPECT_EQ(accuracy(model_network(m, ForwardWeights::kFloat), val), m.acc_float[1]);
}

TEST(NetworkTrain, RowBiasMapsEachLayerOnMaxOfWeightsAndBias) {
  const Dataset d = testing_data::block_dataset(120, 20);
  TrainConfig c;
  c.hidden = {6};
  c.bias = true;
  c.bias_mode = BiasMode::kRow;
  c.epochs = 3;
  const Model m = train_model(d, c);
  for (const ModelLayer& l : m.layers) {
    double top = 0.0;
    for (double v : l.w_deployed.data) top = std::max(top, std::abs(v));
    for (double v : l.bias) top = std::max(top, std::abs(v));
    EXPECT_EQ(l.shared_max, top);
    EXPECT_TRUE(l.bias_row);
    EXPECT_EQ(l.rows(), l.n_in() + 1);
    EXPECT_EQ(l.g_target_s.size(), static_cast<std::size_t>(l.rows()) * 2 * l.n_out());
  }
}

TEST(NetworkTrain, SameSeedGivesIdenticalNetworksAndOtherSeedsDiffer) {
  const Dataset d = testing_data::block_dataset(240, 30);
  TrainConfig c;
  c.method = FeatureMethod::kRaw;
  c.hidden = {8, 6};
  c.bias = true;
  c.qat = true;
  c.noise_aware_sigma = 0.1;
  c.epochs = 4;
  c.qat_epochs = 2;
  c.seed = 21;
  const Model a = train_model(d, c), b = train_model(d, c);
  ASSERT_EQ(a.n_layers(), 3);
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(a.layers[l].w_float.data, b.layers[l].w_float.data);
    EXPECT_EQ(a.layers[l].w_qat.data, b.layers[l].w_qat.data);
    EXPECT_EQ(a.layers[l].bias, b.layers[l].bias);
    EXPECT_EQ(a.layers[l].g_target_s, b.layers[l].g_target_s);
  }
  c.seed = 22;
  const Model other = train_model(d, c);
  EXPECT_NE(a.layers[0].w_float.data, other.layers[0].w_float.data);
}

TEST(NetworkTrain, HeInitialisationScalesEachLayerByItsFanIn) {
  const NetworkParams p = initial_network({784, 256, 10}, true, 3);
  ASSERT_EQ(p.n_layers(), 2);
  for (int l = 0; l < 2; ++l) {
    const double n_in = static_cast<double>(p.w[l].cols());
    const double var = p.w[l].squaredNorm() / static_cast<double>(p.w[l].size());
    // Sample variance of N weights ~ 2/n_in within 5 standard errors (√(2/N)·σ²).
    EXPECT_NEAR(var, 2.0 / n_in,
                5.0 * std::sqrt(2.0 / static_cast<double>(p.w[l].size())) * 2.0 / n_in);
    EXPECT_EQ(p.b[l].squaredNorm(), 0.0);
  }
  // One layer keeps the one-layer trainer's N(0, 0.01²).
  const NetworkParams one = initial_network({64, 10}, false, 3);
  EXPECT_EQ(one.w[0](2, 5),
            0.01 * stream_normal_double(make_stream(3, Purpose::kInitialisation, 2), 2 * 64 + 5));
}

// tests/data/model_v1_blocked.h5 was written by `xbarmc train --epochs 6 --qat --qat-epochs 3
// --layout blocked --weight-bits 3 --seed 4` at 5c82fed on write_idx_set(600, 120).
TEST(NetworkTrain, OneLayerTrainingGivesTheBitsOfTheOneLayerTrainer) {
  const Dataset d = testing_data::block_dataset(600, 120);
  TrainConfig c;
  c.epochs = 6;
  c.qat = true;
  c.qat_epochs = 3;
  c.mapping.layout = Layout::kBlocked;
  c.mapping.weight_bits = 3;
  c.seed = 4;
  const Model m = train_model(d, c);
  const h5::File old =
      h5::File::open(std::string(XBARMC_SOURCE_DIR) + "/tests/data/model_v1_blocked.h5");
  EXPECT_EQ(m.layers[0].w_float.data, old.read<double>("weights/float").data);
  EXPECT_EQ(m.layers[0].w_qat.data, old.read<double>("weights/qat").data);
  EXPECT_EQ(m.layers[0].w_quantized.data, old.read<double>("weights/quantized").data);
  EXPECT_EQ(single_layer_g_target(m), old.read<double>("mapping/g_target").data);
  const std::vector<double> acc = old.read<double>("accuracy/qat").data;
  EXPECT_EQ(std::vector<double>(m.acc_qat.begin(), m.acc_qat.end()), acc);
}

}  // namespace
}  // namespace xbarmc
