// `xbarmc budget` and `xbarmc tolerance` with the CUDA backend (DESIGN §2.9, §4): every
// study goes through the same engine interface, so the budget's per-chip accuracies and
// the tolerance curve equal the CPU engine's exactly. Skipped without a device.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "../test_train_data.hpp"
#include "device_info.hpp"
#include "io/h5.hpp"

namespace xbarmc {
namespace {

int run(const std::string& args) {
  const std::string cmd = std::string(XBARMC_BINARY) + " " + args + " >/dev/null 2>&1";
  const int w = std::system(cmd.c_str());
  return WIFEXITED(w) ? WEXITSTATUS(w) : -1;
}

TEST(CudaAnalyses, BudgetAndToleranceEqualTheCpuEngines) {
  if (cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device";
  testing_data::TempDir dir("cuda_analyses");
  testing_data::write_idx_set(dir, 600, 120, false);
  const std::string data = dir.path().string(), model = dir.file("model.h5");
  ASSERT_EQ(run("train --quiet --epochs 4 --data-dir " + data + " --out " + model), 0);
  const std::string study = " --model " + model + " --data-dir " + data +
                            " --chips 16 --images 100 --timesteps 8 --quiet --times 1,86400"
                            " --c2c-sigma 0.3 --p-stuck-off 0.02 --read-sigma 0.1 --nu-mean 0.05"
                            " --nu-std 0.03 --yield-spec nominal-3pp";
  for (const char* backend : {"cpu", "cuda"}) {
    const std::string b = backend;
    ASSERT_EQ(
        run("budget" + study + " --backend " + b + " --out " + dir.file("budget_" + b + ".h5")), 0)
        << b;
    ASSERT_EQ(run("tolerance" + study + " --backend " + b +
                  " --vary c2c-sigma --range 0,1.2 --resolution 0.05 --yield-target 0.6 --out " +
                  dir.file("tol_" + b + ".h5")),
              0)
        << b;
  }
  const h5::File bc = h5::File::open(dir.file("budget_cpu.h5"));
  const h5::File bg = h5::File::open(dir.file("budget_cuda.h5"));
  EXPECT_EQ(bg.string_attribute("backend"), "cuda");
  EXPECT_EQ(bc.read<double>("budget/accuracy").data, bg.read<double>("budget/accuracy").data);
  EXPECT_EQ(bc.read_strings("budget/row/checksum"), bg.read_strings("budget/row/checksum"));
  const h5::File tc = h5::File::open(dir.file("tol_cpu.h5"));
  const h5::File tg = h5::File::open(dir.file("tol_cuda.h5"));
  EXPECT_EQ(tc.read<double>("tolerance/curve/value").data,
            tg.read<double>("tolerance/curve/value").data);
  EXPECT_EQ(tc.read<double>("tolerance/curve/accuracy").data,
            tg.read<double>("tolerance/curve/accuracy").data);
}

}  // namespace
}  // namespace xbarmc
