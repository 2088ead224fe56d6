// `xbarmc train` end to end on generated IDX files: the model file and the printed
// table; bad input (method, bits, data directory, corrupt IDX) exits 2 with one line
// naming the bad value or file and leaves no model file behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "test_train_data.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

int count_lines(const std::string& s) {
  int n = 0;
  for (char ch : s) n += ch == '\n';
  return n;
}

TEST(TrainCli, TrainsAndWritesAModelFile) {
  TempDir dir("train_cli_ok");
  testing_data::write_idx_set(dir, 360, 60, true);
  const std::string model = dir.file("model.h5");
  const CliRun r = run_xbarmc(dir,
                              "train --method avg_8x8 --weight-bits 3 --qat --qat-epochs 3 "
                              "--epochs 8 --data-dir " +
                                  dir.path().string() + " --out " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("float epoch   1"), std::string::npos) << r.out;  // progress per epoch
  EXPECT_NE(r.out.find("stage"), std::string::npos);
  EXPECT_NE(r.out.find("qat "), std::string::npos);
  const Model m = load_model(model);
  EXPECT_EQ(m.mapping.weight_bits, 3);
  EXPECT_TRUE(m.qat);
  EXPECT_GT(m.acc_float[2], 0.95);
  EXPECT_FALSE(std::isnan(m.acc_qat[1]));
}

TEST(TrainCli, MapReadsTheModelsDeployedWeights) {
  TempDir dir("train_cli_map");
  testing_data::write_idx_set(dir, 120, 20, true);
  const std::string model = dir.file("model.h5"), map = dir.file("map.csv");
  ASSERT_EQ(run_xbarmc(dir, "train --quiet --qat --epochs 3 --qat-epochs 2 --data-dir " +
                                dir.path().string() + " --out " + model)
                .status,
            0);
  const CliRun r = run_xbarmc(dir, "map --weights " + model + " --out " + map);
  ASSERT_EQ(r.status, 0) << r.err;
  // One CSV line per (row i, output j) in that order; levels as stored in the model.
  const Model m = load_model(model);
  std::ifstream in(map);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg");
  int lines = 0;
  while (std::getline(in, line)) {
    int row, col_pos, col_neg, level_pos, level_neg;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d,%d,%d,%d,%d", &row, &col_pos, &col_neg, &level_pos,
                          &level_neg),
              5);
    const int j = lines % m.n_out();
    EXPECT_EQ(level_pos, m.levels_pos[static_cast<std::size_t>(row) * m.n_out() + j]);
    EXPECT_EQ(level_neg, m.levels_neg[static_cast<std::size_t>(row) * m.n_out() + j]);
    ++lines;
  }
  EXPECT_EQ(lines, m.n_in() * m.n_out());
}

TEST(TrainCli, ThreadCountDoesNotChangeTheModel) {
  TempDir dir("train_cli_threads");
  testing_data::write_idx_set(dir, 240, 30, true);
  const std::string common =
      " --method proj_sup_64 --qat --epochs 3 --qat-epochs 2 "
      "--projection-epochs 2 --quiet --data-dir " +
      dir.path().string();
  ASSERT_EQ(run_xbarmc(dir, "train" + common + " --out " + dir.file("a.h5")).status, 0);
  const std::string one_thread = "env OMP_NUM_THREADS=1 " + std::string(XBARMC_BINARY);
  const std::string cmd =
      one_thread + " train" + common + " --out " + dir.file("b.h5") + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const Model a = load_model(dir.file("a.h5")), b = load_model(dir.file("b.h5"));
  EXPECT_EQ(a.features.projection, b.features.projection);
  EXPECT_EQ(a.features.lo, b.features.lo);
  EXPECT_EQ(a.w_float.data, b.w_float.data);
  EXPECT_EQ(a.w_qat.data, b.w_qat.data);
  EXPECT_EQ(a.acc_qat, b.acc_qat);
}

TEST(TrainCli, QuietPrintsOnlyTheTable) {
  TempDir dir("train_cli_quiet");
  testing_data::write_idx_set(dir, 120, 20, false);
  const CliRun r = run_xbarmc(dir, "train --quiet --epochs 2 --seed 5 --data-dir " +
                                       dir.path().string() + " --out " + dir.file("m.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 4) << r.out;  // header + float, ptq, qat
  EXPECT_EQ(load_model(dir.file("m.h5")).seed, 5u);
}

TEST(TrainCli, ConfigFileKeysAreTheOptionNames) {
  TempDir dir("train_cli_config");
  testing_data::write_idx_set(dir, 120, 20, true);
  std::ofstream(dir.file("t.toml")) << "method = \"max_8x8\"\nweight-bits = 2\nepochs = 2\n"
                                    << "data-dir = \"" << dir.path().string() << "\"\n";
  const CliRun r = run_xbarmc(
      dir, "train --quiet --config " + dir.file("t.toml") + " --out " + dir.file("m.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  const Model m = load_model(dir.file("m.h5"));
  EXPECT_EQ(m.features.method, FeatureMethod::kMax8x8);
  EXPECT_EQ(m.mapping.weight_bits, 2);
}

void expect_bad_input(const TempDir& dir, const std::string& args, const std::string& named) {
  const CliRun r = run_xbarmc(dir, args + " --out " + dir.file("m.h5"));
  EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.h5")));
}

TEST(TrainCli, BadInputExitsTwoWithOneLineAndNoFile) {
  TempDir dir("train_cli_bad");
  testing_data::write_idx_set(dir, 120, 20, true);
  const std::string data = " --data-dir " + dir.path().string();
  expect_bad_input(dir, "train --method resize_9x9" + data, "resize_9x9");
  expect_bad_input(dir, "train --weight-bits 9" + data, "--weight-bits");
  expect_bad_input(dir, "train --weight-bits 0" + data, "--weight-bits");
  expect_bad_input(dir, "train --data-dir " + dir.file("nowhere"), "nowhere");
  expect_bad_input(dir, "train --spacing cubic" + data, "cubic");
  expect_bad_input(dir, "train --r-on 1e-320" + data, "--r-on");  // g_max = 1/R_on overflows
  const CliRun r = run_xbarmc(dir, "train" + data + " --out " + dir.file("no/such/m.h5"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no/such"), std::string::npos) << r.err;
}

TEST(TrainCli, CorruptIdxFilesExitTwoNamingTheFile) {
  TempDir dir("train_cli_corrupt");
  testing_data::write_idx_set(dir, 120, 20, false);
  const std::string images = dir.file("t10k-images-idx3-ubyte");
  std::filesystem::resize_file(images, std::filesystem::file_size(images) - 100);
  expect_bad_input(dir, "train --data-dir " + dir.path().string(), "t10k-images-idx3-ubyte");

  testing_data::write_idx_set(dir, 120, 20, false);
  std::ofstream(dir.file("train-labels-idx1-ubyte"), std::ios::binary | std::ios::trunc)
      << "not an idx file";
  expect_bad_input(dir, "train --data-dir " + dir.path().string(), "train-labels-idx1-ubyte");
}

}  // namespace
}  // namespace xbarmc
