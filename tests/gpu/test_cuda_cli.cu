// The command line with the CUDA backend: without a device, --backend cuda is a
// one-line error with exit status 2 (and auto falls back to the CPU, saying so); with
// one, `xbarmc bench` measures both engines and they agree on every common chip, and a
// device error (injected) ends the process with exit status 1 and one line.
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

CliRun run_xbarmc(const std::string& args, const std::string& env = "",
                  bool stderr_only = false) {
  CliRun r;
  const std::string cmd = env + " " + std::string(XBARMC_BINARY) + " " + args +
                          (stderr_only ? " 2>&1 >/dev/null" : " 2>&1");
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
  // Every common chip, at both T: "identical on both: 4 of 4".
  std::size_t at = 0;
  int lines = 0;
  while ((at = r.out.find("identical on both: ", at)) != std::string::npos) {
    at += 19;
    EXPECT_EQ(r.out.substr(at, 6), "4 of 4") << r.out;
    ++lines;
  }
  EXPECT_EQ(lines, 2) << r.out;
}

TEST(CudaCli, ADeviceErrorIsExitStatus1WithOneLine) {
  if (xbarmc::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device";
  // A kernel that traps: a sticky error, after which every CUDA call fails, cudaFree in
  // the engine's destructors included. The process must still end with one line on
  // stderr (stdout has the bench's heading).
  const CliRun r = run_xbarmc("bench --backend cuda --chips 8 --cpu-chips 1 --images 20 --timesteps 4",
                              "XBARMC_CUDA_FAULT=trap", true);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(count_lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("CUDA"), std::string::npos) << r.out;
}

}  // namespace
