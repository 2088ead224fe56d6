// Training of the on-chip layer (DESIGN §2.2): float training converges, QAT is
// not worse than PTQ at 2 bits, noise-aware training, the mapping stored with the
// model, determinism, and the model file's round trip and validation.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "common/errors.hpp"
#include "data/dataset.hpp"
#include "features/feature_extractor.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"
#include "train/model_file.hpp"
#include "train/network.hpp"
#include "train/train_pipeline.hpp"
#include "train/weights_file.hpp"

namespace xbarmc {
namespace {

using testing_data::TempDir;

template <class F>
std::string user_error(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

FeatureSet feature_set(const FeatureSpec& spec, const LabelledImages& li) {
  const std::vector<float> f = compute_features(spec, li.images);
  FeatureSet s;
  s.x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            f.data(), li.size(), kNumFeatures)
            .cast<double>();
  s.y = li.labels;
  return s;
}

const ModelLayer& only_layer(const Model& m) {
  EXPECT_EQ(m.layers.size(), 1u);
  return m.layers.front();
}

TEST(Train, FloatTrainingSeparatesSeparableData) {
  const Dataset d = testing_data::block_dataset(600, 100);
  TrainConfig c;
  c.epochs = 30;
  const Model m = train_model(d, c);
  EXPECT_GT(m.acc_float[1], 0.99);
  EXPECT_GT(m.acc_float[2], 0.99);
  EXPECT_TRUE(std::isnan(m.acc_qat[0]));  // no QAT run
  EXPECT_EQ(m.n_out(), 10);
  EXPECT_EQ(m.n_in(), 64);
}

// A real-data subset, where 2-bit log levels {g_min, …, g_max} lose accuracy.
TEST(Train, QatIsNotWorseThanPtqOnValAtTwoBits) {
  Dataset full;
  try {
    full = load_dataset(kDefaultDataDir);
  } catch (const UserError&) {
    GTEST_SKIP() << "Fashion-MNIST not installed (scripts/install-deps.sh)";
  }
  Dataset d;
  d.train = slice(full.train, 0, 4000);
  d.val = slice(full.val, 0, 2000);
  d.test = slice(full.test, 0, 1000);
  d.n_classes = full.n_classes;
  TrainConfig c;
  c.mapping.weight_bits = 2;
  c.qat = true;
  c.qat_epochs = 15;
  const Model m = train_model(d, c);
  EXPECT_GE(m.acc_qat[1], m.acc_ptq[1]);
  EXPECT_GT(m.acc_qat[1], m.acc_ptq[1] + 0.01) << "QAT should recover accuracy at 2 bits";
  EXPECT_LT(m.acc_ptq[1], m.acc_float[1]);
}

TEST(Train, QatForwardUsesTheMappedWeights) {
  // The deployed QAT weights' W_q is what the model's accuracy table reports.
  const Dataset d = testing_data::block_dataset(300, 60);
  TrainConfig c;
  c.mapping.weight_bits = 3;
  c.qat = true;
  c.epochs = 10;
  c.qat_epochs = 5;
  const Model m = train_model(d, c);
  const FeatureSet val = feature_set(m.features, d.val);
  const ModelLayer& l = only_layer(m);
  NetworkParams wq;
  wq.w.emplace_back(m.n_out(), m.n_in());
  for (int r = 0; r < m.n_out(); ++r) {
    for (int col = 0; col < m.n_in(); ++col) wq.w[0](r, col) = l.w_quantized(r, col);
  }
  EXPECT_DOUBLE_EQ(accuracy(wq, val), m.acc_qat[1]);
  EXPECT_EQ(l.w_deployed.data, l.w_qat.data);
}

TEST(Train, StoredMappingMatchesTheLevelsAndLayout) {
  const Dataset d = testing_data::block_dataset(120, 20);
  TrainConfig c;
  c.epochs = 5;
  c.mapping.layout = Layout::kBlocked;
  const Model m = train_model(d, c);
  const ModelLayer& l = only_layer(m);
  const LevelTable t = make_level_table(m.mapping);
  double max_abs = 0;
  for (double v : l.w_deployed.data) max_abs = std::max(max_abs, std::abs(v));
  EXPECT_DOUBLE_EQ(l.shared_max, max_abs);
  const int n_out = m.n_out();
  const std::vector<double> physical = single_layer_g_target(m);
  for (int i = 0; i < m.n_in(); ++i) {
    for (int j = 0; j < n_out; ++j) {
      const CellPair cell = map_weight(t, l.w_deployed(j, i), l.shared_max);
      ASSERT_EQ(l.levels_pos[i * n_out + j], cell.level_pos);
      ASSERT_EQ(l.levels_neg[i * n_out + j], cell.level_neg);
      // the model: logical columns 2j, 2j+1
      EXPECT_DOUBLE_EQ(l.g_target_s[i * 2 * n_out + 2 * j], t.g_s[cell.level_pos]);
      EXPECT_DOUBLE_EQ(l.g_target_s[i * 2 * n_out + 2 * j + 1], t.g_s[cell.level_neg]);
      // the chip, blocked: positive column j, negative column n_out + j
      EXPECT_DOUBLE_EQ(physical[i * 2 * n_out + j], t.g_s[cell.level_pos]);
      EXPECT_DOUBLE_EQ(physical[i * 2 * n_out + n_out + j], t.g_s[cell.level_neg]);
      EXPECT_DOUBLE_EQ(l.w_quantized(j, i), dequantized_weight(t, cell, l.shared_max));
    }
  }
}

TEST(Train, SameSeedGivesIdenticalModelsAndOtherSeedsDiffer) {
  const Dataset d = testing_data::block_dataset(240, 30);
  TrainConfig c;
  c.method = FeatureMethod::kProjSup64;
  c.qat = true;
  c.noise_aware_sigma = 0.1;
  c.epochs = 6;
  c.qat_epochs = 3;
  c.projection_epochs = 2;
  c.seed = 11;
  const Model a = train_model(d, c), b = train_model(d, c);
  EXPECT_EQ(a.features.projection, b.features.projection);
  EXPECT_EQ(a.features.lo, b.features.lo);
  EXPECT_EQ(a.features.hi, b.features.hi);
  EXPECT_EQ(only_layer(a).w_float.data, only_layer(b).w_float.data);
  EXPECT_EQ(only_layer(a).w_qat.data, only_layer(b).w_qat.data);
  EXPECT_EQ(only_layer(a).g_target_s, only_layer(b).g_target_s);
  c.seed = 12;
  const Model other = train_model(d, c);
  EXPECT_NE(a.features.projection, other.features.projection);
  EXPECT_NE(only_layer(a).w_float.data, only_layer(other).w_float.data);
}

TEST(Train, NoiseAwareTrainingChangesTheWeightsDeterministically) {
  const Dataset d = testing_data::block_dataset(240, 30);
  TrainConfig c;
  c.epochs = 4;
  const Model plain = train_model(d, c);
  c.noise_aware_sigma = 0.3;
  const Model noisy = train_model(d, c), again = train_model(d, c);
  EXPECT_NE(only_layer(plain).w_float.data, only_layer(noisy).w_float.data);
  EXPECT_EQ(only_layer(noisy).w_float.data, only_layer(again).w_float.data);
  EXPECT_GT(noisy.acc_float[1], 0.9);
}

TEST(Train, BadConfigIsAUserError) {
  TrainConfig c;
  c.mapping.weight_bits = 9;
  EXPECT_NE(user_error([&] { validate_train_config(c); }).find("--weight-bits"), std::string::npos);
  c = TrainConfig{};
  c.mapping.r_off_ohm = 1.0;
  EXPECT_NE(user_error([&] { validate_train_config(c); }).find("--r-off"), std::string::npos);
  c = TrainConfig{};
  c.noise_aware_sigma = -1;
  EXPECT_NE(user_error([&] { validate_train_config(c); }).find("--noise-aware"), std::string::npos);
}

class ModelFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Dataset d = testing_data::block_dataset(120, 20);
    TrainConfig c;
    c.method = FeatureMethod::kProjPca64;
    c.qat = true;
    c.epochs = 4;
    c.qat_epochs = 2;
    c.seed = 3;
    model_ = new Model(train_model(d, c));
  }
  static void TearDownTestSuite() { delete model_; }
  static Model* model_;
};
Model* ModelFileTest::model_ = nullptr;

TEST_F(ModelFileTest, RoundTripKeepsEveryField) {
  TempDir dir("model_roundtrip");
  const std::string path = dir.file("m.h5");
  save_model(path, *model_);
  const Model back = load_model(path);
  const Model& m = *model_;
  EXPECT_EQ(back.features.method, FeatureMethod::kProjPca64);
  EXPECT_EQ(back.features.projection, m.features.projection);
  EXPECT_EQ(back.features.mean, m.features.mean);
  EXPECT_EQ(back.features.lo, m.features.lo);
  EXPECT_EQ(back.features.hi, m.features.hi);
  EXPECT_EQ(back.mapping.weight_bits, 4);
  EXPECT_EQ(back.seed, 3u);
  EXPECT_TRUE(back.qat);
  const ModelLayer &bl = only_layer(back), &ml = only_layer(m);
  EXPECT_EQ(bl.w_float.data, ml.w_float.data);
  EXPECT_EQ(bl.w_qat.data, ml.w_qat.data);
  EXPECT_EQ(bl.w_deployed.data, ml.w_deployed.data);
  EXPECT_EQ(bl.w_quantized.data, ml.w_quantized.data);
  EXPECT_EQ(bl.levels_pos, ml.levels_pos);
  EXPECT_EQ(bl.levels_neg, ml.levels_neg);
  EXPECT_EQ(bl.g_target_s, ml.g_target_s);
  EXPECT_EQ(back.acc_ptq, m.acc_ptq);
  EXPECT_EQ(load_weights(path).data, ml.w_qat.data);
  // Features recomputed from the file equal the ones training used.
  const LabelledImages imgs = testing_data::block_images(5, 9);
  EXPECT_EQ(compute_features(back.features, imgs.images),
            compute_features(m.features, imgs.images));
}

TEST_F(ModelFileTest, MissingOrIllShapedDatasetIsNamed) {
  TempDir dir("model_bad");
  const std::string path = dir.file("m.h5");
  save_model(path, *model_);
  {
    const h5::File f = h5::File::open_rw(path);
    H5Ldelete(f.id(), "layers/0/deployed", H5P_DEFAULT);
  }
  std::string msg = user_error([&] { load_model(path); });
  EXPECT_NE(msg.find("/layers/0/deployed"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  {
    const h5::File f = h5::File::open_rw(path);
    f.write("layers/0/deployed", {10, 63}, std::vector<double>(630, 0.0));
  }
  msg = user_error([&] { load_model(path); });
  EXPECT_NE(msg.find("takes 63 inputs but the input method gives 64"), std::string::npos) << msg;
  {
    const h5::File f = h5::File::open_rw(path);
    H5Ldelete(f.id(), "layers/0/deployed", H5P_DEFAULT);
    f.write("layers/0/deployed", {10, 64}, std::vector<double>(640, 0.0));
    H5Ldelete(f.id(), "layers/0/float", H5P_DEFAULT);
    f.write("layers/0/float", {10, 65}, std::vector<double>(650, 0.0));
  }
  msg = user_error([&] { load_model(path); });
  EXPECT_NE(msg.find("/layers/0/float has shape 10x65, expected 10x64"), std::string::npos) << msg;
  EXPECT_NE(user_error([&] { load_model(dir.file("absent.h5")); }).find("absent.h5"),
            std::string::npos);
}

TEST_F(ModelFileTest, SaveIsAtomic) {
  TempDir dir("model_atomic");
  EXPECT_THROW(save_model(dir.file("no_such_dir/m.h5"), *model_), UserError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("no_such_dir")));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace xbarmc
