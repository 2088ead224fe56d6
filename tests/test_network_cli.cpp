// Networks through the CLI (DESIGN §2.7): `xbarmc train --hidden --bias` prints its
// progress and table and gives the same model on any thread count; mc, drift and sweep
// refuse networks (exit 2, one line) until the network engine; and a one-layer model
// file written before networks (tests/data/model_v1_blocked.h5, by 5c82fed) gives
// exactly the study it gave then.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "cli_run.hpp"
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

TEST_F(NetworkCli, StudiesRefuseNetworksUntilTheNetworkEngine) {
  ASSERT_EQ(
      run("train --quiet --hidden 4 --epochs 1 --data-dir " + data() + " --out " + file("h.h5"))
          .status,
      0);
  ASSERT_EQ(
      run("train --quiet --bias --epochs 1 --data-dir " + data() + " --out " + file("b.h5")).status,
      0);
  for (const std::string model : {"h.h5", "b.h5"}) {
    for (const std::string study : {"mc", "drift"}) {
      const CliRun r = run(study + " --model " + file(model) + " --data-dir " + data() +
                           " --chips 2 --quiet --out " + file("study.h5"));
      EXPECT_EQ(r.status, 2) << study << " " << model << r.out << r.err;
      EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
      EXPECT_NE(r.err.find(file(model) + ": a network of"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("needs the network engine"), std::string::npos) << r.err;
      for (const auto& entry : fs::directory_iterator(dir_->path())) {
        EXPECT_EQ(entry.path().filename().string().find("study"), std::string::npos)
            << "left behind: " << entry.path();
      }
    }
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
