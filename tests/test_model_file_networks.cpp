// Model files of networks (DESIGN §3, format version 2): the round trip of every layer,
// the version 1 datasets a one-layer model keeps, version 1 files written before
// networks (tests/data/model_v1_blocked.h5) still loading to the same mapping, a model
// written by hand with only the required entries, and bad files named in one line.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"
#include "train/model_file.hpp"
#include "train/train_pipeline.hpp"

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

const std::string kFixture = std::string(XBARMC_SOURCE_DIR) + "/tests/data/model_v1_blocked.h5";

class NetworkModelFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Dataset d = testing_data::block_dataset(120, 20);
    TrainConfig c;
    c.method = FeatureMethod::kRaw;
    c.hidden = {5, 4};
    c.bias = true;
    c.bias_mode = BiasMode::kRow;
    c.qat = true;
    c.epochs = 3;
    c.qat_epochs = 2;
    c.seed = 8;
    model_ = new Model(train_model(d, c));
  }
  static void TearDownTestSuite() { delete model_; }
  static Model* model_;
};
Model* NetworkModelFile::model_ = nullptr;

TEST_F(NetworkModelFile, RoundTripKeepsEveryLayer) {
  TempDir dir("net_model_roundtrip");
  save_model(dir.file("m.h5"), *model_);
  const Model back = load_model(dir.file("m.h5"));
  const Model& m = *model_;
  EXPECT_EQ(back.features.method, FeatureMethod::kRaw);
  EXPECT_EQ(back.features.n_features(), 784);
  EXPECT_EQ(back.bias_mode, BiasMode::kRow);
  EXPECT_TRUE(back.qat);
  ASSERT_EQ(back.n_layers(), 3);
  for (int l = 0; l < 3; ++l) {
    const ModelLayer &a = back.layers[l], &b = m.layers[l];
    EXPECT_EQ(a.w_float.data, b.w_float.data);
    EXPECT_EQ(a.w_qat.data, b.w_qat.data);
    EXPECT_EQ(a.w_deployed.data, b.w_deployed.data);
    EXPECT_EQ(a.bias, b.bias);
    EXPECT_EQ(a.w_quantized.data, b.w_quantized.data);
    EXPECT_EQ(a.shared_max, b.shared_max);
    EXPECT_TRUE(a.bias_row);
    EXPECT_EQ(a.levels_pos, b.levels_pos);
    EXPECT_EQ(a.g_target_s, b.g_target_s);
  }
  EXPECT_EQ(back.acc_qat, m.acc_qat);
  // The stored copies for readers: levels interleaved like g_target, the layer attributes.
  const h5::File f = h5::File::open(dir.file("m.h5"));
  EXPECT_EQ(f.int_attribute("n_layers"), 3);
  EXPECT_EQ(f.string_attribute("bias_mode"), "row");
  EXPECT_FALSE(f.exists("weights"));  // a network has no version 1 datasets
  const h5::Group g = f.open_group("layers/1");
  EXPECT_EQ(g.double_attribute("shared_max"), m.layers[1].shared_max);
  EXPECT_EQ(g.int_attribute("bias_row"), 1);
  const h5::Array<std::int32_t> levels = g.read<std::int32_t>("levels");
  EXPECT_EQ(levels.shape, (h5::Shape{6, 8}));  // 5 inputs + bias row, 2 × 4 columns
  EXPECT_EQ(levels.data[2 * 9 + 1], m.layers[1].levels_neg[9]);
  EXPECT_EQ(g.read<double>("g_target").data, m.layers[1].g_target_s);
}

TEST(ModelFileVersion1, OldOneLayerFileLoadsToTheSameMapping) {
  const Model m = load_model(kFixture);
  const h5::File old = h5::File::open(kFixture);
  ASSERT_EQ(m.n_layers(), 1);
  EXPECT_TRUE(m.is_single_layer());
  EXPECT_EQ(m.features.method, FeatureMethod::kAvg8x8);
  EXPECT_EQ(m.mapping.layout, Layout::kBlocked);
  EXPECT_EQ(m.mapping.weight_bits, 3);
  EXPECT_EQ(m.bias_mode, BiasMode::kDigital);
  const ModelLayer& l = m.layers[0];
  EXPECT_EQ(l.w_deployed.data, old.read<double>("weights/deployed").data);
  EXPECT_EQ(l.w_qat.data, old.read<double>("weights/qat").data);
  // Recomputed from the deployed weights, equal to what the old writer stored.
  EXPECT_EQ(l.w_quantized.data, old.read<double>("weights/quantized").data);
  const std::vector<std::int32_t> pos = old.read<std::int32_t>("mapping/levels_pos").data;
  EXPECT_EQ(l.levels_pos, std::vector<int>(pos.begin(), pos.end()));
  EXPECT_EQ(single_layer_g_target(m), old.read<double>("mapping/g_target").data);
  EXPECT_EQ(l.shared_max, old.double_attribute("shared_max"));
}

TEST(ModelFileVersion1, OneLayerModelsStillCarryTheVersion1Datasets) {
  TempDir dir("model_v1_datasets");
  const Model m = load_model(kFixture);
  save_model(dir.file("m.h5"), m);
  const h5::File f = h5::File::open(dir.file("m.h5"));
  EXPECT_EQ(f.read<double>("weights/deployed").data, m.layers[0].w_deployed.data);
  EXPECT_EQ(f.read<double>("weights/qat").data, m.layers[0].w_qat.data);
  EXPECT_EQ(f.read<double>("mapping/g_target").data, single_layer_g_target(m));
  EXPECT_EQ(f.read<std::int32_t>("mapping/levels_neg").shape, (h5::Shape{64, 10}));
  EXPECT_EQ(f.double_attribute("shared_max"), m.layers[0].shared_max);
}

TEST(ModelFileVersion2, RequiredEntriesAloneMakeAModel) {
  // What a user writes with h5py: the mapping attributes and each layer's deployed
  // weights and bias; /features, float, levels and G_target are optional or recomputed.
  TempDir dir("model_minimal");
  {
    h5::File f = h5::File::create(dir.file("m.h5"));
    f.set_attribute("format", "xbarmc-model");
    f.set_attribute("method", "avg_8x8");
    f.set_attribute("weight_bits", std::int64_t{4});
    f.set_attribute("r_on_ohm", 2.34e8);
    f.set_attribute("r_off_ohm", 4.18e11);
    f.set_attribute("spacing", "log");
    f.set_attribute("layout", "interleaved");
    std::vector<double> w0(3 * 64), w1(10 * 3);
    for (std::size_t k = 0; k < w0.size(); ++k) w0[k] = std::cos(0.1 * static_cast<double>(k));
    for (std::size_t k = 0; k < w1.size(); ++k) w1[k] = std::sin(0.3 * static_cast<double>(k));
    f.write("layers/0/deployed", {3, 64}, w0);
    f.write("layers/0/bias", {3}, std::vector<double>{0.1, 0.2, -0.3});
    f.write("layers/1/deployed", {10, 3}, w1);
    f.close();
  }
  const Model m = load_model(dir.file("m.h5"));
  ASSERT_EQ(m.n_layers(), 2);
  EXPECT_EQ(m.layers[0].bias, (std::vector<double>{0.1, 0.2, -0.3}));
  EXPECT_TRUE(m.layers[1].bias.empty());
  EXPECT_EQ(m.layers[1].w_float.data, m.layers[1].w_deployed.data);
  EXPECT_EQ(m.layers[0].levels_pos.size(), 64u * 3u);
  EXPECT_TRUE(std::isnan(m.acc_float[1]));
  EXPECT_EQ(m.features.lo, std::vector<double>(64, 0.0));
}

class BadNetworkModelFile : public NetworkModelFile {
 protected:
  void SetUp() override { save_model(path(), *model_); }
  std::string path() const { return dir_.file("m.h5"); }
  void replace(const std::string& name, const h5::Shape& shape, const std::vector<double>& v) {
    h5::File f = h5::File::open_rw(path());
    ASSERT_GE(H5Ldelete(f.id(), name.c_str(), H5P_DEFAULT), 0);
    f.write(name, shape, v);
    f.close();
  }
  std::string error() {
    return user_error([&] { load_model(path()); });
  }
  TempDir dir_{"net_model_bad"};
};

TEST_F(BadNetworkModelFile, LayerShapesThatDoNotChainAreNamed) {
  replace("layers/1/deployed", {4, 6}, std::vector<double>(24, 0.1));
  EXPECT_EQ(error(), path() +
                         ": layer 1 takes 6 inputs but layer 0 gives 5: the layer shapes do not "
                         "chain");
}

TEST_F(BadNetworkModelFile, BiasOfTheWrongLengthIsNamed) {
  replace("layers/2/bias", {3}, {0.1, 0.2, 0.3});
  EXPECT_EQ(error(), path() + ": dataset /layers/2/bias has shape 3, expected 10");
}

TEST_F(BadNetworkModelFile, NanOrInfIsNamed) {
  std::vector<double> w = model_->layers[0].w_deployed.data;
  w[7] = std::numeric_limits<double>::quiet_NaN();
  replace("layers/0/deployed", {5, 784}, w);
  EXPECT_EQ(error(), path() + ": dataset /layers/0/deployed holds a NaN at element 7");
  save_model(path(), *model_);
  replace("layers/1/bias", {4}, {0.0, std::numeric_limits<double>::infinity(), 0.0, 0.0});
  EXPECT_EQ(error(), path() + ": dataset /layers/1/bias holds an infinite value at element 1");
}

TEST_F(BadNetworkModelFile, AGapInTheLayersIsNamed) {
  {
    h5::File f = h5::File::open_rw(path());
    ASSERT_GE(H5Lmove(f.id(), "layers/2", f.id(), "layers/3", H5P_DEFAULT, H5P_DEFAULT), 0);
    f.close();
  }
  EXPECT_EQ(error(), path() + ": /layers must hold groups 0..2, /layers/2 is missing");
}

}  // namespace
}  // namespace xbarmc
