// `mpirun -n 2 xbarmc budget|tolerance` (DESIGN §6, §2.9): every mc study of the command
// is split over the ranks, rank 0 prints and writes once, and the file equals a
// single-process run's. Skipped (with a message) where mpirun is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

bool have_mpirun() {
  return std::system("command -v mpirun >/dev/null 2>&1") == 0;
}

// As in test_mpi.cpp: root, more ranks than cores, no cross-memory attach in containers.
const char* const kMpirun =
    "mpirun --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none -n 2 ";

class MpiAnalyses : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_mpirun()) return;
    dir_ = std::make_unique<TempDir>("mpi_analyses");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run_xbarmc(*dir_, "train --quiet --epochs 6 --data-dir " + data() + " --out " +
                                           dir_->file("model.h5"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override {
    if (!have_mpirun()) GTEST_SKIP() << "mpirun not found (install openmpi-bin): MPI tests skipped";
  }
  static std::string data() { return dir_->path().string(); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static std::string study() {
    return " --model " + file("model.h5") + " --data-dir " + data() +
           " --chips 7 --images 60 --timesteps 8 --threads 1 --batch 2 --quiet"
           " --yield-spec nominal-3pp";
  }
  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> MpiAnalyses::dir_;

// Everything before "wrote": the table rank 0 printed.
std::string table(const CliRun& r) {
  return r.out.substr(0, r.out.find("wrote"));
}

TEST_F(MpiAnalyses, TwoRanksRunABudgetAsOneProcess) {
  const std::string args = "budget" + study() +
                           " --times 1,86400 --c2c-sigma 0.3 --p-stuck-off 0.02 --nu-mean 0.05 "
                           "--nu-std 0.03 --out ";
  const CliRun one = run_xbarmc(*dir_, args + file("budget_one.h5"));
  ASSERT_EQ(one.status, 0) << one.err;
  const CliRun two = run_xbarmc(*dir_, args + file("budget_two.h5"), kMpirun);
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(table(two), table(one));
  EXPECT_EQ(two.out.find("wrote", two.out.find("wrote") + 1), std::string::npos) << two.out;
  const h5::File a = h5::File::open(file("budget_one.h5")),
                 b = h5::File::open(file("budget_two.h5"));
  for (const char* name : {"budget/accuracy", "budget/cost", "budget/yield/wilson_low"}) {
    EXPECT_EQ(a.read<double>(name).data, b.read<double>(name).data) << name;
  }
  EXPECT_EQ(a.read_strings("budget/row/checksum"), b.read_strings("budget/row/checksum"));
  EXPECT_NE(b.string_attribute("device_name").find("of 2 MPI ranks"), std::string::npos);
  EXPECT_FALSE(fs::exists(file("budget_two.h5.runs")));
}

TEST_F(MpiAnalyses, TwoRanksRunAToleranceSearchAsOneProcess) {
  const std::string args = "tolerance" + study() +
                           " --vary c2c-sigma --range 0,1.2 --resolution 0.05 --yield-target 0.6"
                           " --out ";
  const CliRun one = run_xbarmc(*dir_, args + file("tol_one.h5"));
  ASSERT_EQ(one.status, 0) << one.err;
  const CliRun two = run_xbarmc(*dir_, args + file("tol_two.h5"), kMpirun);
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(table(two), table(one));
  const h5::File a = h5::File::open(file("tol_one.h5")), b = h5::File::open(file("tol_two.h5"));
  for (const char* name :
       {"tolerance/curve/value", "tolerance/curve/accuracy", "tolerance/bracket"}) {
    EXPECT_EQ(a.read<double>(name).data, b.read<double>(name).data) << name;
  }
}

}  // namespace
}  // namespace xbarmc
