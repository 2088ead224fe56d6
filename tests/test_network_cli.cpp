// Networks through the CLI (DESIGN §2.7): `xbarmc train --hidden --bias` prints its
// progress and table and gives the same model on any thread count; mc and drift of a
// network on arrays write the per-layer results and give the same file on any thread
// count, batch size, after --resume and from merged shards; bad network settings are one
// line and no file; and a one-layer model file written before networks
// (tests/data/model_v1_blocked.h5, by 5c82fed) gives exactly the study it gave then.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "same_results.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

class NetworkCli : public ::testing::Test {
 protected:
  // The data of McCli: 600 training-file images (500 train, 100 val), 120 test images.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("network_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string data() { return dir_->path().string(); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }
  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> NetworkCli::dir_;

TEST_F(NetworkCli, TrainPrintsProgressTheNetworkAndTheTable) {
  const CliRun r =
      run("train --method raw --hidden 8 --bias --qat --epochs 3 --qat-epochs 2 "
          "--data-dir " +
          data() + " --out " + file("net.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("float epoch   1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("qat epoch   1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("network: 784 -> 8 -> 10 (raw inputs, biases digital)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("stage      train       val      test\nfloat"), std::string::npos) << r.out;
  const Model m = load_model(file("net.h5"));
  EXPECT_EQ(m.n_layers(), 2);
  EXPECT_TRUE(m.qat);
}

TEST_F(NetworkCli, ThreadCountDoesNotChangeANetwork) {
  const std::string common =
      " --method raw --hidden 6,5 --bias --bias-mode row --qat "
      "--noise-aware 0.05 --epochs 2 --qat-epochs 2 --quiet --data-dir " +
      data();
  ASSERT_EQ(run("train" + common + " --out " + file("a.h5")).status, 0);
  const std::string cmd = "env OMP_NUM_THREADS=1 " + std::string(XBARMC_BINARY) + " train" +
                          common + " --out " + file("b.h5") + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const Model a = load_model(file("a.h5")), b = load_model(file("b.h5"));
  ASSERT_EQ(a.n_layers(), 3);
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(a.layers[l].w_float.data, b.layers[l].w_float.data);
    EXPECT_EQ(a.layers[l].w_qat.data, b.layers[l].w_qat.data);
    EXPECT_EQ(a.layers[l].bias, b.layers[l].bias);
  }
  EXPECT_EQ(a.acc_qat, b.acc_qat);
}

// The shared settings of the network studies below: 5 chips, two times, every kind of
// variation (A2A included), read noise, arrays cut smaller than the layers.
std::string network_study(const std::string& model, const std::string& data, const std::string& out,
                          const std::string& extra = "") {
  return "mc --model " + model + " --data-dir " + data +
         " --chips 5 --times 1,86400 --d2d-sigma 0.05 --a2a-sigma 0.1 --c2c-sigma 0.2 "
         "--p-stuck-on 0.005 --nu-mean 0.02 --nu-std 0.01 --read-sigma 0.05 --timesteps 8 "
         "--array-rows 24 --array-cols 6 --quiet --out " +
         out + " " + extra;
}

TEST_F(NetworkCli, McOfANetworkOnArraysWritesPerLayerResults) {
  ASSERT_EQ(run("train --quiet --hidden 8 --bias --epochs 3 --data-dir " + data() + " --out " +
                file("n.h5"))
                .status,
            0);
  const CliRun r = run(network_study(file("n.h5"), data(), file("n_mc.h5")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("5 chips, checksum of correct counts: "), std::string::npos) << r.out;
  const h5::File f = h5::File::open(file("n_mc.h5"));
  // 64 → 8 → 10 on 24 × 6 arrays: layer 0 has 3 row blocks × 3 output blocks, layer 1
  // (8 inputs) 1 × 4.
  for (const std::string l : {"0", "1"}) {
    const h5::Group m = f.open_group("mapping/layers/" + l);
    EXPECT_EQ(m.int_attribute("array_rows"), 24);
    EXPECT_EQ(m.int_attribute("array_cols"), 6);
    EXPECT_EQ(m.string_attribute("bias_mode"), "digital");
    EXPECT_TRUE(m.exists("bias"));
  }
  EXPECT_EQ(f.open_group("mapping/layers/0").int_attribute("arrays"), 9);
  EXPECT_EQ(f.open_group("mapping/layers/1").int_attribute("arrays"), 4);
  EXPECT_EQ(f.open_group("mapping/layers/0").int_attribute("adcs"), 3 * 16);  // 8 outputs
  EXPECT_EQ(f.open_group("mapping/layers/1").int_attribute("adcs"), 20);
  EXPECT_FALSE(f.exists("mapping/g_target"));  // the one-layer mapping is not there
  const h5::Array<std::uint64_t> sat = f.read<std::uint64_t>("mc/layer_saturated");
  const h5::Array<std::uint64_t> spikes = f.read<std::uint64_t>("mc/layer_spikes");
  const h5::Array<double> rate = f.read<double>("mc/layer_spike_rate");
  const h5::Array<std::uint64_t> all_sat = f.read<std::uint64_t>("mc/saturated");
  ASSERT_EQ(sat.shape, (h5::Shape{2, 2, 5}));
  const std::int64_t n_images = f.open_group("mc").int_attribute("n_images");
  const int n_out[2] = {8, 10};
  for (std::size_t tc = 0; tc < 10; ++tc) {
    EXPECT_EQ(sat.data[tc] + sat.data[10 + tc], all_sat.data[tc]);  // the layers add up
    for (int l = 0; l < 2; ++l) {
      const std::size_t i = static_cast<std::size_t>(l) * 10 + tc;
      EXPECT_DOUBLE_EQ(rate.data[i], static_cast<double>(spikes.data[i]) /
                                         (static_cast<double>(n_images) * 8.0 * n_out[l]));
    }
  }
  double hidden_spikes = 0.0;
  for (std::size_t i = 0; i < 10; ++i) hidden_spikes += static_cast<double>(spikes.data[i]);
  EXPECT_GT(hidden_spikes, 0.0);
  for (const std::string l : {"0", "1"}) {
    const double ratio = f.read<double>("reference/layers/" + l + "/threshold_ratio").data[0];
    const double rho = f.read<double>("reference/layers/" + l + "/rho").data[0];
    EXPECT_DOUBLE_EQ(f.read<double>("reference/layers/" + l + "/threshold").data[0], ratio * rho);
  }
  EXPECT_DOUBLE_EQ(f.read<double>("reference/layers/1/rho").data[0], 63.0);  // θ_ref, 6 bits B
}

TEST_F(NetworkCli, ANetworkStudyIsTheSameOnAnyThreadsBatchesResumeAndShards) {
  ASSERT_EQ(run("train --quiet --hidden 8 --bias --bias-mode row --epochs 3 --data-dir " + data() +
                " --out " + file("r.h5"))
                .status,
            0);
  const std::string model = file("r.h5");
  ASSERT_EQ(run(network_study(model, data(), file("one.h5"), "--threads 2")).status, 0);
  ASSERT_EQ(run(network_study(model, data(), file("t1.h5"), "--threads 1 --batch 2")).status, 0);
  testing_cli::expect_same_mc_results(file("one.h5"), file("t1.h5"));
  // Stopped after one batch and resumed.
  const CliRun stopped =
      run(network_study(model, data(), file("res.h5"), "--batch 2 --stop-after-batches 1"));
  ASSERT_EQ(stopped.status, 130) << stopped.err;
  ASSERT_EQ(run(network_study(model, data(), file("res.h5"), "--batch 2 --resume")).status, 0);
  testing_cli::expect_same_mc_results(file("one.h5"), file("res.h5"));
  // Two shards merged.
  ASSERT_EQ(run(network_study(model, data(), file("s0.h5"), "--chips-to 2")).status, 0);
  ASSERT_EQ(run(network_study(model, data(), file("s1.h5"), "--chips-from 2")).status, 0);
  const CliRun merged = run("merge --out " + file("merged.h5") + " " + file("s1.h5") + " " +
                            file("s0.h5") + " --quiet");
  ASSERT_EQ(merged.status, 0) << merged.err;
  const h5::File a = h5::File::open(file("one.h5")), b = h5::File::open(file("merged.h5"));
  testing_cli::expect_same_group(a, b, "mc/");
  EXPECT_EQ(a.string_attribute("study_key"), b.string_attribute("study_key"));
  EXPECT_EQ(a.open_group("mapping/layers/0").string_attribute("bias_mode"), "row");
}

TEST_F(NetworkCli, DriftOfANetworkKeepsThePerLayerResultsOfBothModes) {
  ASSERT_EQ(
      run("train --quiet --hidden 6 --epochs 2 --data-dir " + data() + " --out " + file("d.h5"))
          .status,
      0);
  const CliRun r = run("drift --model " + file("d.h5") + " --data-dir " + data() +
                       " --chips 3 --times 1,3600 --nu-mean 0.05 --nu-std 0.02 --a2a-sigma 0.1 "
                       "--array-rows 40 --timesteps 8 --quiet --out " +
                       file("drift.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(file("drift.h5"));
  for (const std::string g : {"drift/uncompensated", "drift/compensated"}) {
    EXPECT_EQ(f.open_dataset(g + "/layer_spike_rate").shape(), (h5::Shape{2, 2, 3})) << g;
  }
  EXPECT_TRUE(f.exists("mapping/layers/1/g_target"));
  EXPECT_TRUE(f.exists("reference/layers/1/threshold"));
}

TEST_F(NetworkCli, BadNetworkSettingsAreOneLineBeforeAnyFile) {
  ASSERT_EQ(
      run("train --quiet --hidden 5 --epochs 1 --data-dir " + data() + " --out " + file("b.h5"))
          .status,
      0);
  const struct {
    std::string args, named;
  } cases[] = {
      {"--array-cols 7", "--array-cols 7"},
      {"--array-cols 1", "--array-cols 1"},
      {"--array-rows -2", "--array-rows -2"},
      {"--threshold-ratio 0.5,0.5,0.5", "3 ratios for a network of 2 layers"},
      {"--full-scale 1e-6,2e-6,3e-6", "3 values for a network of 2 layers"},
      {"--a2a-sigma -0.1", "--a2a-sigma"},
  };
  for (const auto& c : cases) {
    const std::string out = file("bad.h5");
    const CliRun r = run("mc --model " + file("b.h5") + " --data-dir " + data() +
                         " --chips 2 --timesteps 4 --quiet " + c.args + " --out " + out);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(out + ".partial")) << c.args;
  }
}

TEST_F(NetworkCli, BadHiddenSizesAreNamed) {
  const CliRun r = run("train --hidden 8,0 --data-dir " + data() + " --out " + file("x.h5"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--hidden 0"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(file("x.h5")));
}

// At 5c82fed: xbarmc mc --model tests/data/model_v1_blocked.h5 on write_idx_set(600, 120)
// with these settings printed "references (120 images): float 1.0000  mapped 1.0000
// nominal chip 0.9667" and "6 chips, checksum of correct counts: 66dc570dc9e8cc43".
TEST_F(NetworkCli, OneLayerFileOfBeforeGivesTheSameStudy) {
  const CliRun r = run("mc --model " + std::string(XBARMC_SOURCE_DIR) +
                       "/tests/data/model_v1_blocked.h5 --data-dir " + data() +
                       " --chips 6 --times 1,86400 --c2c-sigma 0.6 --read-sigma 0.3 "
                       "--nu-mean 0.05 --nu-std 0.05 --p-stuck-off 0.05 --timesteps 8 --quiet "
                       "--out " +
                       file("old.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("float 1.0000  mapped 1.0000  nominal chip 0.9667"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("6 chips, checksum of correct counts: 66dc570dc9e8cc43"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace xbarmc
