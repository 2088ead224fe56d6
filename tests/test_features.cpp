// Feature methods (DESIGN §2.1): 8×8 resizes against hand-computed values, shapes
// and [0,1] ranges of every method, percentile scaling, PCA against an independent
// SVD, and the supervised projection beating PCA where the labels hide in a
// low-variance direction.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <numeric>
#include <vector>

#include "common/errors.hpp"
#include "features/feature_extractor.hpp"
#include "features/feature_scaling.hpp"
#include "features/pca.hpp"
#include "features/resize_8x8.hpp"
#include "test_train_data.hpp"
#include "train/linear_trainer.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

// A 16×16 image with pixel (r, c) = (r·16 + c) % 256: 2×2 blocks map to one cell.
std::vector<std::uint8_t> ramp16() {
  std::vector<std::uint8_t> img(256);
  std::iota(img.begin(), img.end(), std::uint8_t{0});
  return img;
}

TEST(Resize, AvgAndBilinearOf16x16AreTwoByTwoBlockMeans) {
  const std::vector<std::uint8_t> img = ramp16();
  float avg[64], bil[64], mx[64];
  resize_to_8x8(FeatureMethod::kAvg8x8, img.data(), 16, 16, avg);
  // Bilinear samples the cell centre (2o + ½): the mean of pixels 2o and 2o+1.
  resize_to_8x8(FeatureMethod::kBilinear8x8, img.data(), 16, 16, bil);
  resize_to_8x8(FeatureMethod::kMax8x8, img.data(), 16, 16, mx);
  for (int oy = 0; oy < 8; ++oy) {
    for (int ox = 0; ox < 8; ++ox) {
      const int r = 2 * oy, c = 2 * ox;
      const double mean = (img[r * 16 + c] + img[r * 16 + c + 1] + img[(r + 1) * 16 + c] +
                           img[(r + 1) * 16 + c + 1]) /
                          4.0;
      EXPECT_NEAR(avg[oy * 8 + ox], mean / 255.0, 1e-6);
      EXPECT_NEAR(bil[oy * 8 + ox], mean / 255.0, 1e-6);
      EXPECT_NEAR(mx[oy * 8 + ox], img[(r + 1) * 16 + c + 1] / 255.0, 1e-6);
    }
  }
}

TEST(Resize, AreaAverageOf28x28WeighsHalfPixels) {
  // Cell (0,0) covers rows/cols [0, 3.5): a single bright pixel at (3,3) counts a
  // quarter (½ × ½ overlap) over an area of 3.5² pixels.
  std::vector<std::uint8_t> img(784, 0);
  img[3 * 28 + 3] = 255;
  float out[64];
  resize_to_8x8(FeatureMethod::kAvg8x8, img.data(), 28, 28, out);
  EXPECT_NEAR(out[0], 0.25 / (3.5 * 3.5), 1e-7);
  EXPECT_NEAR(out[1], 0.25 / (3.5 * 3.5), 1e-7);  // the other half of the pixel
  EXPECT_NEAR(out[9], 0.25 / (3.5 * 3.5), 1e-7);
  EXPECT_FLOAT_EQ(out[2], 0.0f);
  resize_to_8x8(FeatureMethod::kMax8x8, img.data(), 28, 28, out);
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[9], 1.0f);
  EXPECT_FLOAT_EQ(out[2], 0.0f);
  std::vector<std::uint8_t> white(784, 255);
  for (FeatureMethod m :
       {FeatureMethod::kAvg8x8, FeatureMethod::kBilinear8x8, FeatureMethod::kMax8x8}) {
    resize_to_8x8(m, white.data(), 28, 28, out);
    for (float v : out) EXPECT_FLOAT_EQ(v, 1.0f);
  }
}

TEST(FeatureScaling, ClampsToTheUnitInterval) {
  EXPECT_FLOAT_EQ(scale_feature(-1.0, 0.0, 2.0), 0.0f);
  EXPECT_FLOAT_EQ(scale_feature(1.0, 0.0, 2.0), 0.5f);
  EXPECT_FLOAT_EQ(scale_feature(3.0, 0.0, 2.0), 1.0f);
}

TEST(Features, EveryMethodGives64ValuesInUnitRange) {
  const Dataset d = testing_data::block_dataset(300, 40);
  FeatureFitOptions opt;
  opt.supervised.max_epochs = 2;
  for (FeatureMethod m :
       {FeatureMethod::kAvg8x8, FeatureMethod::kBilinear8x8, FeatureMethod::kMax8x8,
        FeatureMethod::kProjPca64, FeatureMethod::kProjSup64}) {
    const FeatureSpec spec = fit_features(m, d.train, d.val, 10, opt);
    EXPECT_NO_THROW(validate_feature_spec(spec, "spec"));
    EXPECT_EQ(spec.projection.size(), is_projection(m) ? 64u * 784u : 0u);
    const std::vector<float> f = compute_features(spec, d.test.images);
    ASSERT_EQ(f.size(), 40u * 64u) << method_name(m);
    float lo = 1, hi = 0;
    for (float v : f) {
      ASSERT_GE(v, 0.0f) << method_name(m);
      ASSERT_LE(v, 1.0f) << method_name(m);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (is_projection(m)) {
      EXPECT_LT(lo, 0.05f) << method_name(m);  // percentile scaling spans [0, 1]
      EXPECT_GT(hi, 0.95f) << method_name(m);
      // Train features: at most ~0.5 % of values clip at each end per feature.
      const std::vector<float> ft = compute_features(spec, d.train.images);
      const auto at_top = std::count(ft.begin(), ft.end(), 1.0f);
      EXPECT_LE(at_top, static_cast<long>(0.01 * static_cast<double>(ft.size()) + 64))
          << method_name(m);
    }
  }
}

TEST(Features, WrongImageSizeIsAUserError) {
  const Dataset d = testing_data::block_dataset(60, 10);
  const FeatureSpec spec = fit_features(FeatureMethod::kAvg8x8, d.train, d.val, 10, {});
  Images small;
  small.count = 1;
  small.rows = 16;
  small.cols = 16;
  small.pixels.assign(256, 0);
  EXPECT_THROW(compute_features(spec, small), UserError);
}

TEST(Pca, MatchesTheSvdOfTheCentredData) {
  // 40 samples in 6 dimensions with distinct variances per axis, then rotated.
  Eigen::MatrixXd x(40, 6);
  const Stream s = make_stream(99, Purpose::kInitialisation, 0);
  for (int i = 0; i < 40; ++i) {
    for (int j = 0; j < 6; ++j)
      x(i, j) = (6 - j) * stream_normal_double(s, static_cast<std::uint32_t>(i * 6 + j)) + j;
  }
  const Eigen::MatrixXd q =
      Eigen::HouseholderQR<
          Eigen::MatrixXd>(Eigen::MatrixXd::NullaryExpr(6, 6, [&](Eigen::Index r, Eigen::Index c) {
        return stream_normal_double(s, static_cast<std::uint32_t>(1000 + r * 6 + c));
      })).householderQ();
  x = x * q;
  const PcaResult pca = fit_pca(x, 3);
  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinV);
  for (int k = 0; k < 3; ++k) {
    const double variance = svd.singularValues()(k) * svd.singularValues()(k) / 39.0;
    EXPECT_NEAR(pca.variances(k), variance, 1e-9 * variance);
    EXPECT_NEAR(std::abs(pca.components.row(k).dot(svd.matrixV().col(k).transpose())), 1.0, 1e-9);
    // Sign convention: the largest-magnitude entry is positive.
    Eigen::Index arg = 0;
    pca.components.row(k).cwiseAbs().maxCoeff(&arg);
    EXPECT_GT(pca.components(k, arg), 0.0);
  }
  EXPECT_TRUE(pca.mean.isApprox(x.colwise().mean().transpose(), 1e-12));
}

// 10×10 images: 70 pixels of loud label-free noise, 30 quiet pixels that carry
// the label. PCA's 64 components go to the noise; the supervised projection finds
// the label.
LabelledImages hidden_label_images(int count, std::uint32_t key) {
  LabelledImages out;
  out.images.count = count;
  out.images.rows = 10;
  out.images.cols = 10;
  out.images.pixels.resize(static_cast<std::size_t>(count) * 100);
  out.labels.resize(count);
  const Stream s = make_stream(5, Purpose::kInputSpikes, key);
  for (int i = 0; i < count; ++i) {
    const int label = i % 4;
    out.labels[i] = static_cast<std::uint8_t>(label);
    for (int p = 0; p < 100; ++p) {
      const double u = uniform_double(stream_word(s, static_cast<std::uint32_t>(i * 100 + p)));
      double v;
      if (p < 70) {
        v = 255.0 * u;
      } else {
        const int group = (p - 70) % 4;  // pixels of the label's group are brighter
        v = 100.0 + (group == label ? 12.0 : 0.0) + 4.0 * u;
      }
      out.images.pixels[static_cast<std::size_t>(i) * 100 + p] = static_cast<std::uint8_t>(v);
    }
  }
  return out;
}

double linear_val_accuracy(const FeatureSpec& spec, const LabelledImages& train,
                           const LabelledImages& val) {
  const auto to_set = [&spec](const LabelledImages& li) {
    const std::vector<float> f = compute_features(spec, li.images);
    FeatureSet s;
    s.x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
              f.data(), li.size(), kNumFeatures)
              .cast<double>();
    s.y = li.labels;
    return s;
  };
  const FeatureSet tr = to_set(train), va = to_set(val);
  LinearTrainOptions opt;
  opt.max_epochs = 40;
  return train_linear(tr, va, initial_weights(4, kNumFeatures, 0), opt).best_val_accuracy;
}

TEST(Features, SupervisedProjectionBeatsPcaWhenLabelsHideInLowVariance) {
  const LabelledImages train = hidden_label_images(800, 1), val = hidden_label_images(200, 2);
  FeatureFitOptions opt;
  opt.supervised.max_epochs = 30;
  opt.supervised.patience = 30;
  opt.supervised.learning_rate = 1e-2;
  const FeatureSpec pca = fit_features(FeatureMethod::kProjPca64, train, val, 4, opt);
  const FeatureSpec sup = fit_features(FeatureMethod::kProjSup64, train, val, 4, opt);
  const double acc_pca = linear_val_accuracy(pca, train, val);
  const double acc_sup = linear_val_accuracy(sup, train, val);
  EXPECT_GT(acc_sup, 0.9);
  EXPECT_GT(acc_sup, acc_pca + 0.2) << "pca " << acc_pca << " sup " << acc_sup;
}

}  // namespace
}  // namespace xbarmc
