// `xbarmc bench --backend cpu` end to end (the GPU half is in tests/gpu): one
// description line and one measurement line per --timesteps value, whose chip count,
// rate, mean accuracy and checksum follow from the run, the checksum and accuracy
// equal to the reference engine's on the documented workload; bad input → exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "engine/reference_engine.hpp"
#include "engine/synthetic_workload.hpp"
#include "stats/checksum.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

// The workload `xbarmc bench` documents (bench_command.cpp, README "GPU backend"):
// the synthetic 64×20 study of seed 1 with every non-ideality on, one day after
// programming; or the ideal chip with --ideal.
StudyInputs documented_workload(int images, int timesteps, bool nonidealities) {
  SyntheticSpec spec;
  spec.n_in = 64;
  spec.n_out = 10;
  spec.n_images = images;
  spec.timesteps = timesteps;
  spec.seed = 1;
  StudyInputs in = make_synthetic_study(spec);
  if (nonidealities) {
    in.device.d2d_sigma = 0.05;
    in.device.c2c_sigma = 0.1;
    in.device.p_stuck_on = 0.001;
    in.device.p_stuck_off = 0.001;
    in.device.nu_mean = 0.01;
    in.device.nu_std = 0.005;
    in.device.drift_compensation = true;
    in.device.read_sigma = 0.02;
    in.device.ir_drop = IrDropModel::kNodal;
    in.times_s = {86400.0};
  }
  return in;
}

struct Measured {
  std::uint64_t chips = 0;
  double seconds = 0.0, inferences_per_s = 0.0, mean_accuracy = -1.0;
  std::string checksum;
};

// The measurement lines ("  cpu (...)  N chips in S s: R inferences/s, ..., mean
// accuracy A, checksum H"), in order.
std::vector<Measured> measurements(const std::string& out) {
  static const std::regex line(
      R"(^  cpu \(.*\) +(\d+) chips in +([0-9.]+) s: ([0-9.e+-]+) inferences/s, .*mean accuracy )"
      R"(([0-9.]+), checksum ([0-9a-f]{16})$)");
  std::vector<Measured> found;
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    Measured r;
    r.chips = std::stoull(m[1]);
    r.seconds = std::stod(m[2]);
    r.inferences_per_s = std::stod(m[3]);
    r.mean_accuracy = std::stod(m[4]);
    r.checksum = m[5];
    found.push_back(r);
  }
  return found;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Checks one measurement against the reference engine on chips [0, chips).
void expect_reference_counts(const Measured& m, const StudyInputs& in, std::uint64_t chips,
                             const std::string& what) {
  ReferenceEngine reference;
  ChipBatchResult r;
  reference.run(in, 0, chips, r);
  const double total = std::accumulate(r.correct.begin(), r.correct.end(), 0.0);
  EXPECT_EQ(m.chips, chips) << what;
  EXPECT_EQ(m.checksum, hex64(study::counts_checksum(r.correct))) << what;
  EXPECT_NEAR(m.mean_accuracy, total / (static_cast<double>(chips) * in.n_images()), 5e-5) << what;
  // The rate is the chip·image inferences over the measured seconds. Both are printed
  // rounded (the seconds to ±0.0005 s, the rate to 4 digits), so the rate must lie in
  // the interval the printed seconds allow.
  const double inferences = static_cast<double>(chips) * in.n_images() * in.n_times();
  EXPECT_GE(m.inferences_per_s * (1.0 + 5e-4), inferences / (m.seconds + 0.0005)) << what;
  if (m.seconds > 0.0005) {
    EXPECT_LE(m.inferences_per_s * (1.0 - 5e-4), inferences / (m.seconds - 0.0005)) << what;
  }
}

TEST(BenchCli, CpuRunMeasuresTheDocumentedWorkloadPerTimestepCount) {
  TempDir dir("bench_cli");
  const CliRun r =
      run_xbarmc(dir, "bench --backend cpu --chips 3 --images 300 --timesteps 8,16 --threads 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");  // --backend cpu: no note about the choice
  EXPECT_EQ(count_of(r.out, "xbarmc bench: "), 2) << r.out;
  EXPECT_NE(r.out.find("xbarmc bench: 64x20 array, T=8, rate coding, D2D 0.05, C2C 0.1, stuck "
                       "0.1%+0.1%, drift nu 0.01+-0.005 at 1 d compensated, read noise 0.02, "
                       "ADC B 6-bit, IR-drop nodal, 300 images\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("xbarmc bench: 64x20 array, T=16,"), std::string::npos) << r.out;
  // A CPU-only run has no GPU lines.
  EXPECT_EQ(r.out.find("gpu/cpu"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("napkin"), std::string::npos) << r.out;
  const std::vector<Measured> m = measurements(r.out);
  ASSERT_EQ(m.size(), 2u) << r.out;
  expect_reference_counts(m[0], documented_workload(300, 8, true), 3, "T=8");
  expect_reference_counts(m[1], documented_workload(300, 16, true), 3, "T=16");
}

TEST(BenchCli, IdealChipIsTheNominalChipOnEveryChip) {
  TempDir dir("bench_cli_ideal");
  const CliRun r = run_xbarmc(
      dir, "bench --backend cpu --ideal --cpu-chips 2 --images 300 --timesteps 16 --threads 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("xbarmc bench: 64x20 array, T=16, rate coding, ideal chip, ADC B 6-bit, "
                       "300 images\n"),
            std::string::npos)
      << r.out;
  const std::vector<Measured> m = measurements(r.out);
  ASSERT_EQ(m.size(), 1u) << r.out;
  const StudyInputs in = documented_workload(300, 16, false);
  expect_reference_counts(m[0], in, 2, "ideal");
  // Labels are argmax W·x, so the ideal chip gets most images right.
  EXPECT_GT(m[0].mean_accuracy, 0.5);
}

TEST(BenchCli, BadInputExitsTwoWithOneLine) {
  TempDir dir("bench_cli_bad");
  const struct {
    std::string args, named;
  } cases[] = {
      {"--images 0", "--images"},
      {"--cpu-chips 0", "--cpu-chips"},
      {"--timesteps 0", "--timesteps"},
      {"--timesteps 5000", "--timesteps"},
      {"--backend tpu", "tpu"},
      {"--ir-drop exact", "'exact': expected one of none, first_order, nodal"},
      {"--chips 5000000000", "--chips 5000000000"},
      {"--cpu-chips -1", "'-1'"},
      {"--threads 100000", "--threads 100000"},
  };
  for (const auto& c : cases) {
    const std::string backend = c.args.rfind("--backend", 0) == 0 ? "" : "--backend cpu ";
    const CliRun r = run_xbarmc(dir, "bench --cpu-chips 1 --images 5 " + backend + c.args);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
  }
}

}  // namespace
}  // namespace xbarmc
