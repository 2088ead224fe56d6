// `xbarmc import` end to end (DESIGN §2.7): a network trained here, exported as .npy
// files (and as .npz archives written by NumPy itself), imported again, reproduces the
// trained model's float and mapped accuracy exactly; every kind of bad input exits 2
// with one line naming the file or value and leaves no model file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "io/npy.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

// Writes a 1-D or 2-D float64 array as numpy.save does.
void write_npy(const std::string& path, const std::vector<std::size_t>& shape,
               const std::vector<double>& data) {
  std::ofstream(path, std::ios::binary) << npy_bytes(shape, data);
}

std::vector<std::size_t> shape_of(const MatrixD& m) {
  return {static_cast<std::size_t>(m.rows), static_cast<std::size_t>(m.cols)};
}

class ImportCli : public ::testing::Test {
 protected:
  // A 784 → 16 → 10 network with biases trained on the generated blocks, its float
  // weights and biases saved as w0.npy, w1.npy, b0.npy, b1.npy.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("import_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("train --quiet --method raw --hidden 16 --bias --epochs 6 --data-dir " +
                         data() + " --out " + file("trained.h5"));
    ASSERT_EQ(r.status, 0) << r.err;
    trained_ = std::make_unique<Model>(load_model(file("trained.h5")));
    for (int l = 0; l < 2; ++l) {
      const ModelLayer& layer = trained_->layers[l];
      write_npy(file("w" + std::to_string(l) + ".npy"), shape_of(layer.w_float),
                layer.w_float.data);
      write_npy(file("b" + std::to_string(l) + ".npy"), {layer.bias.size()}, layer.bias);
    }
  }
  static void TearDownTestSuite() {
    trained_.reset();
    dir_.reset();
  }

  static std::string data() { return dir_->path().string(); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }
  static std::string import_args(const std::string& weights) {
    return "import --method raw --data-dir " + data() + " --weights " + weights;
  }

  // Saves the .npy files named in `arrays` ("w0=w0.npy ...") as an .npz through NumPy.
  static void numpy_savez(const std::string& npz, const std::string& arrays, bool compressed) {
    std::ofstream(file("savez.py"))
        << "import sys, numpy as np\n"
           "arrays = {k: np.load(v) for k, v in (a.split('=') for a in sys.argv[3:])}\n"
           "(np.savez_compressed if sys.argv[2] == '1' else np.savez)(sys.argv[1], **arrays)\n";
    std::string cmd = "cd " + data() + " && python3 savez.py " + npz + (compressed ? " 1" : " 0");
    cmd += " " + arrays + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0)
        << "python3 with numpy is needed (scripts/install-deps.sh installs python3-numpy)";
  }

  void expect_bad(const std::string& args, const std::string& named) {
    fs::remove(file("bad.h5"));
    const CliRun r = run(args + " --out " + file("bad.h5"));
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(file("bad.h5")));
  }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<Model> trained_;
};
std::unique_ptr<TempDir> ImportCli::dir_;
std::unique_ptr<Model> ImportCli::trained_;

TEST_F(ImportCli, NpyRoundTripReproducesTheTrainedAccuracyExactly) {
  const CliRun r = run(import_args(file("w0.npy") + "," + file("w1.npy")) + " --biases " +
                       file("b0.npy") + "," + file("b1.npy") + " --out " + file("imported.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("network: 784 -> 16 -> 10 (raw inputs, biases digital)"), std::string::npos)
      << r.out;
  char line[96];
  std::snprintf(line, sizeof line, "float     %8.4f  %8.4f", trained_->acc_float[1],
                trained_->acc_float[2]);
  EXPECT_NE(r.out.find(line), std::string::npos) << r.out;
  const Model m = load_model(file("imported.h5"));
  // Trained without QAT: the deployed weights are the float ones, so the imported float
  // network is the trained one and its mapped network the trained PTQ network.
  EXPECT_EQ(m.acc_float[1], trained_->acc_float[1]);
  EXPECT_EQ(m.acc_float[2], trained_->acc_float[2]);
  EXPECT_EQ(m.acc_ptq[1], trained_->acc_ptq[1]);
  EXPECT_EQ(m.acc_ptq[2], trained_->acc_ptq[2]);
  EXPECT_TRUE(std::isnan(m.acc_float[0]));  // train: not evaluated by import
  ASSERT_EQ(m.n_layers(), 2);
  for (int l = 0; l < 2; ++l) {
    EXPECT_EQ(m.layers[l].w_deployed.data, trained_->layers[l].w_deployed.data);
    EXPECT_EQ(m.layers[l].bias, trained_->layers[l].bias);
    EXPECT_EQ(m.layers[l].g_target_s, trained_->layers[l].g_target_s);
  }
}

TEST_F(ImportCli, NpzArchivesFromNumpyImportLikeTheNpyFiles) {
  const std::string arrays = "w0=w0.npy w1=w1.npy b0=b0.npy b1=b1.npy";
  numpy_savez("net.npz", arrays, false);
  numpy_savez("net_compressed.npz", arrays, true);
  for (const std::string npz : {"net.npz", "net_compressed.npz"}) {
    const CliRun r = run(import_args(file(npz)) + " --out " + file("from_" + npz + ".h5"));
    ASSERT_EQ(r.status, 0) << r.err;
    const Model m = load_model(file("from_" + npz + ".h5"));
    EXPECT_EQ(m.acc_float[1], trained_->acc_float[1]) << npz;
    EXPECT_EQ(m.acc_float[2], trained_->acc_float[2]) << npz;
    for (int l = 0; l < 2; ++l) EXPECT_EQ(m.layers[l].bias, trained_->layers[l].bias) << npz;
  }
}

TEST_F(ImportCli, LayerShapesThatDoNotChainAreNamed) {
  write_npy(file("w1_12.npy"), {10, 12}, std::vector<double>(120, 0.1));
  expect_bad(import_args(file("w0.npy") + "," + file("w1_12.npy")),
             "w1_12.npy: layer 1 takes 12 inputs but layer 0 gives 16: the layer shapes do not "
             "chain");
}

TEST_F(ImportCli, InputSizeMustMatchTheMethod) {
  write_npy(file("w0_64.npy"), {16, 64}, std::vector<double>(16 * 64, 0.1));
  expect_bad(import_args(file("w0_64.npy") + "," + file("w1.npy")),
             "w0_64.npy: layer 0 takes 64 inputs but the input method raw gives 784");
}

TEST_F(ImportCli, BiasLengthMustMatchTheOutputs) {
  write_npy(file("b0_15.npy"), {15}, std::vector<double>(15, 0.0));
  expect_bad(import_args(file("w0.npy") + "," + file("w1.npy")) + " --biases " + file("b0_15.npy") +
                 "," + file("b1.npy"),
             "b0_15.npy: bias of 15 values for layer 0 of 16 outputs");
  expect_bad(import_args(file("w0.npy") + "," + file("w1.npy")) + " --biases " + file("b0.npy"),
             "--biases: 1 files for 2 layers");
}

TEST_F(ImportCli, NanOrInfIsNamed) {
  std::vector<double> w = trained_->layers[1].w_float.data;
  w[3] = std::numeric_limits<double>::quiet_NaN();
  write_npy(file("w1_nan.npy"), {10, 16}, w);
  expect_bad(import_args(file("w0.npy") + "," + file("w1_nan.npy")),
             "w1_nan.npy: value at row 0, column 3 is NaN");
  write_npy(file("b1_inf.npy"), {10}, {0, 0, 0, 0, 0, 0, 0, 0, 0, -HUGE_VAL});
  expect_bad(import_args(file("w0.npy") + "," + file("w1.npy")) + " --biases " + file("b0.npy") +
                 "," + file("b1_inf.npy"),
             "b1_inf.npy: value at index 9 is infinite");
}

TEST_F(ImportCli, MissingOrExtraArraysInAnNpzAreNamed) {
  write_npy(file("extra.npy"), {2}, {1.0, 2.0});
  numpy_savez("no_b1.npz", "w0=w0.npy w1=w1.npy b0=b0.npy", false);
  expect_bad(import_args(file("no_b1.npz")), "no_b1.npz: missing array b1");
  numpy_savez("gap.npz", "w0=w0.npy w2=w1.npy", false);
  expect_bad(import_args(file("gap.npz")), "gap.npz: extra array w2");
  numpy_savez("other.npz", "w0=w0.npy w1=w1.npy scale=extra.npy", false);
  expect_bad(import_args(file("other.npz")), "other.npz: extra array scale");
  numpy_savez("none.npz", "W=w0.npy", false);
  expect_bad(import_args(file("none.npz")), "none.npz: missing array w0");
  std::ofstream(file("not_zip.npz")) << "not a zip archive";
  expect_bad(import_args(file("not_zip.npz")), "not_zip.npz: cannot read as .npz");
}

TEST_F(ImportCli, OtherBadInputIsNamed) {
  expect_bad(import_args(file("w0.npy") + "," + file("absent.npy")), "absent.npy");
  expect_bad("import --method proj_pca_64 --data-dir " + data() + " --weights " + file("w0.npy"),
             "--method proj_pca_64");
  write_npy(file("w1_5.npy"), {5, 16}, std::vector<double>(80, 0.1));
  expect_bad(import_args(file("w0.npy") + "," + file("w1_5.npy")),
             "w1_5.npy: the last layer has 5 outputs but");
  write_npy(file("w_1d.npy"), {16}, std::vector<double>(16, 0.1));
  expect_bad(import_args(file("w_1d.npy")), "w_1d.npy: a weight matrix must be 2-D");
}

}  // namespace
}  // namespace xbarmc
