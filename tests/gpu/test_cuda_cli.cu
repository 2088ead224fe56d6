// The command line with the CUDA backend: without a device, --backend cuda is a
// one-line error with exit status 2 (and auto falls back to the CPU, saying so); with
// one, `xbarmc bench` measures both engines and they agree on the common chips.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "device_info.hpp"

namespace {

struct CliRun {
  int status = -1;
  std::string out;  // stdout and stderr
};

CliRun run_xbarmc(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(XBARMC_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int w = pclose(p);
  r.status = WIFEXITED(w) ? WEXITSTATUS(w) : -1;
  return r;
}

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n;
}

TEST(CudaCli, BackendCudaWithoutDeviceIsOneLineExit2) {
  if (xbarmc::cuda::device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  const CliRun r = run_xbarmc("bench --backend cuda --images 10 --timesteps 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(count_lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("--backend cuda: no CUDA device"), std::string::npos) << r.out;
}

TEST(CudaCli, BackendAutoWithoutDeviceFallsBackToTheCpuSayingSo) {
  if (xbarmc::cuda::device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  const CliRun r = run_xbarmc("bench --images 20 --cpu-chips 2 --timesteps 4 --threads 1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("backend auto: no CUDA device, running on the CPU"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("inferences/s"), std::string::npos) << r.out;
}

TEST(CudaCli, BenchMeasuresBothEnginesAndTheyAgree) {
  if (xbarmc::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device";
  const CliRun r =
      run_xbarmc("bench --backend cuda --chips 64 --cpu-chips 4 --images 100 --timesteps 16");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("gpu/cpu throughput ratio"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("napkin bound"), std::string::npos) << r.out;
  // Per-chip parity allows a rare float-rounding flip: at least 3 of the 4 common chips.
  const auto at = r.out.find("identical on both: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GE(std::stoi(r.out.substr(at + 19)), 3) << r.out;
}

}  // namespace
