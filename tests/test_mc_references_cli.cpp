// What `xbarmc mc` resolves before the chips, end to end, each checked against a value
// the test derives itself from the model file and the data (DESIGN §2.5–2.6): I_fs for
// --full-scale max (the largest all-rows-on column current), a fixed full scale, the
// calibrated full scale (p99.9, numpy's linear rule, of the nominal chip's pooled
// column currents on val; scheme A pools |I_pos − I_neg|), and the mapped reference
// (argmax of W_q·x with W_q = shared_max·(G_pos − G_neg)/g_max).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "data/dataset.hpp"
#include "io/h5.hpp"
#include "study/study_inputs.hpp"
#include "test_train_data.hpp"
#include "train/model_file.hpp"
#include "xbarmc/encoding.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

// The model as the test reads it from the file, without xbarmc's model loader.
struct RawModel {
  int n_in = 0, n_cols = 0, n_out = 0;
  std::vector<double> g;    // /mapping/g_target [n_in × n_cols], physical columns
  std::vector<double> w_q;  // /weights/quantized [n_out × n_in]
  double shared_max = 0.0, r_on_ohm = 0.0;
  std::string layout;
};

RawModel read_raw_model(const std::string& path) {
  const h5::File f = h5::File::open(path);
  RawModel m;
  const h5::Array<double> g = f.read<double>("mapping/g_target");
  m.n_in = static_cast<int>(g.shape.at(0));
  m.n_cols = static_cast<int>(g.shape.at(1));
  m.n_out = m.n_cols / 2;
  m.g = g.data;
  m.w_q = f.read<double>("weights/quantized").data;
  m.shared_max = f.double_attribute("shared_max");
  m.r_on_ohm = f.double_attribute("r_on_ohm");
  m.layout = f.string_attribute("layout");
  return m;
}

// numpy.percentile(values, q) with its default ('linear') rule: position
// h = (n − 1)·q/100, value x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) of the sorted values.
double numpy_percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1.0) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= v.size()) return v.back();
  return v[lo] + (h - static_cast<double>(lo)) * (v[lo + 1] - v[lo]);
}

double scalar(const h5::File& f, const std::string& name) {
  return f.read<double>(name).data.at(0);
}

class McReferencesCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("mc_references");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("train --quiet --epochs 6 --data-dir " + data() + " --out " + model());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string model() { return dir_->file("model.h5"); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  // Ideal chips (no variation or noise), so that any clipped read is the full scale's.
  static std::string study(const std::string& out, const std::string& extra, int images = 60) {
    return "mc --model " + model() + " --data-dir " + data() + " --chips 2 --images " +
           std::to_string(images) + " --timesteps 8 --quiet --threads 2 --out " + out + " " + extra;
  }

  // The val split exactly as a study reads it: features of the model's method and the
  // input-stream keys of the images.
  static study::SplitData val_split() {
    return study::load_split(load_dataset(data()), load_model(model()), "val", 0);
  }

  // The calibrated full scale for one scheme and encoding, recomputed from the val split:
  // per image and step the spikes (rate: the documented key, encoding.hpp; deterministic:
  // the closed form of DESIGN §2.5, written out here), the nominal chip's column currents
  // V_read·Σ_i s_i·G_ij, pooled per column (B) or as |I_pos − I_neg| per output (A).
  static double recomputed_full_scale(bool scheme_a, bool rate, int steps, double v_read,
                                      std::vector<double>* other_pooling) {
    const RawModel m = read_raw_model(model());
    EXPECT_EQ(m.layout, "interleaved");  // output j on physical columns 2j (+) and 2j+1 (−)
    const study::SplitData val = val_split();
    std::vector<double> pooled, current(static_cast<std::size_t>(m.n_cols));
    std::vector<double> s(static_cast<std::size_t>(m.n_in));
    for (int image = 0; image < val.size(); ++image) {
      const float* x = val.features.data() + static_cast<std::size_t>(image) * m.n_in;
      for (int t = 0; t < steps; ++t) {
        for (int i = 0; i < m.n_in; ++i) {
          if (rate) {
            s[i] = rate_spike(1, val.image_ids[image], t, i, x[i]) ? 1.0 : 0.0;
          } else {
            const long long n = static_cast<long long>(std::floor(double{x[i]} * steps + 0.5));
            s[i] = (t + 1) * n / steps > t * n / steps ? 1.0 : 0.0;
          }
        }
        for (int c = 0; c < m.n_cols; ++c) {
          double sum = 0.0;
          for (int i = 0; i < m.n_in; ++i)
            sum += s[i] * m.g[static_cast<std::size_t>(i) * m.n_cols + c];
          current[c] = v_read * sum;
        }
        for (int j = 0; j < m.n_out; ++j) {
          const double diff = std::fabs(current[2 * j] - current[2 * j + 1]);
          (scheme_a ? pooled : *other_pooling).push_back(diff);
          for (int half = 0; half < 2; ++half)
            (scheme_a ? *other_pooling : pooled).push_back(current[2 * j + half]);
        }
      }
    }
    *other_pooling = std::vector<double>{numpy_percentile(*other_pooling, 99.9)};
    return numpy_percentile(pooled, 99.9);
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> McReferencesCli::dir_;

TEST_F(McReferencesCli, FullScaleMaxIsTheLargestColumnCurrentWithAllRowsOn) {
  const std::string out = file("max.h5");
  const CliRun r = run(study(out, "--full-scale max --v-read 0.2"));
  ASSERT_EQ(r.status, 0) << r.err;
  const RawModel m = read_raw_model(model());
  double want = 0.0;
  for (int c = 0; c < m.n_cols; ++c) {
    double column = 0.0;
    for (int i = 0; i < m.n_in; ++i) column += m.g[static_cast<std::size_t>(i) * m.n_cols + c];
    want = std::max(want, 0.2 * column);
  }
  const h5::File f = h5::File::open(out);
  EXPECT_NEAR(scalar(f, "reference/i_fs_a"), want, 1e-12 * want);
  // No current of an ideal chip exceeds it, so no read clips.
  for (std::uint64_t s : f.read<std::uint64_t>("mc/saturated").data) EXPECT_EQ(s, 0u);
}

TEST_F(McReferencesCli, FixedFullScaleIsUsedAsGiven) {
  const std::string out = file("fixed.h5"), tiny = file("tiny.h5");
  const CliRun r = run(study(out, "--full-scale 2.5e-9"));
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(scalar(f, "reference/i_fs_a"), 2.5e-9);
  EXPECT_NE(f.string_attribute("config_toml").find("full-scale = \"2.5e-9\""), std::string::npos)
      << f.string_attribute("config_toml");
  // A full scale far below every current clips nearly every read: at least the reads
  // of the columns that carry any current (every image has some spike here).
  ASSERT_EQ(run(study(tiny, "--full-scale 1e-15")).status, 0);
  const h5::File t = h5::File::open(tiny);
  EXPECT_EQ(scalar(t, "reference/i_fs_a"), 1e-15);
  for (std::uint64_t s : t.read<std::uint64_t>("mc/saturated").data) EXPECT_GT(s, 60u * 8u);
}

TEST_F(McReferencesCli, CalibratedFullScaleOfSchemeBPoolsEveryColumnCurrent) {
  const std::string out = file("calibrated_b.h5");
  const CliRun r = run(study(out, "--scheme B --encoding deterministic"));
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<double> other;
  const double want = recomputed_full_scale(false, false, 8, 0.1, &other);
  const double got = scalar(h5::File::open(out), "reference/i_fs_a");
  EXPECT_NEAR(got, want, 1e-12 * want);
  // The test tells the two poolings apart: A's rule gives another value here.
  EXPECT_GT(std::fabs(other.at(0) - want), 1e-3 * want);
}

TEST_F(McReferencesCli, CalibratedFullScaleOfSchemeAPoolsTheDifferenceOfEachPair) {
  const std::string out = file("calibrated_a.h5");
  const CliRun r = run(study(out, "--scheme A --encoding rate --v-read 0.3"));
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<double> other;
  const double want = recomputed_full_scale(true, true, 8, 0.3, &other);
  const double got = scalar(h5::File::open(out), "reference/i_fs_a");
  EXPECT_NEAR(got, want, 1e-12 * want);
  EXPECT_GT(std::fabs(other.at(0) - want), 1e-3 * want);
}

TEST_F(McReferencesCli, MappedAccuracyIsTheArgmaxOfTheDequantisedWeights) {
  const std::string out = file("mapped.h5");
  const CliRun r = run(study(out, "--split test", 100));
  ASSERT_EQ(r.status, 0) << r.err;
  const RawModel m = read_raw_model(model());
  // W_q = shared_max·(G_pos − G_neg)/g_max, g_max = 1/R_on (DESIGN §2.2), as stored.
  const double g_max = 1.0 / m.r_on_ohm;
  for (int j = 0; j < m.n_out; ++j) {
    for (int i = 0; i < m.n_in; ++i) {
      const double* row = m.g.data() + static_cast<std::size_t>(i) * m.n_cols;
      const double w = m.shared_max * (row[2 * j] - row[2 * j + 1]) / g_max;
      ASSERT_NEAR(m.w_q[static_cast<std::size_t>(j) * m.n_in + i], w, 1e-12 * m.shared_max)
          << j << "," << i;
    }
  }
  const study::SplitData test =
      study::load_split(load_dataset(data()), load_model(model()), "test", 100);
  int correct = 0;
  for (int image = 0; image < test.size(); ++image) {
    const float* x = test.features.data() + static_cast<std::size_t>(image) * m.n_in;
    int best = 0;
    double best_logit = 0.0;
    for (int j = 0; j < m.n_out; ++j) {
      double logit = 0.0;
      for (int i = 0; i < m.n_in; ++i)
        logit += m.w_q[static_cast<std::size_t>(j) * m.n_in + i] * x[i];
      if (j == 0 || logit > best_logit) {  // ties to the lower class
        best = j;
        best_logit = logit;
      }
    }
    correct += best == test.labels[image] ? 1 : 0;
  }
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(scalar(f, "reference/mapped_accuracy"), correct / 100.0);
  // The generated classes are easy: the mapped layer is far above chance.
  EXPECT_GT(correct, 50);
}

}  // namespace
}  // namespace xbarmc
