// `xbarmc bench --network` end to end on the CPU: the description line names the layers
// and each layer's arrays; the measurement line's chip count, mean accuracy and checksum
// equal the reference engine's on the documented workload (bench_network.hpp), its
// active-cell reads per second are the inferences per second times the active input rows
// × used columns of every layer and step, and the per-layer lines give the reference's
// spike rates and saturated reads; bad input → exit 2 with one line. No timing
// assertions beyond the rates being the printed counts over the printed seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
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

// The documented workload, written out here rather than taken from bench_network.cpp:
// the synthetic network of seed 1, features uniform in [0, 0.572), C2C 0.1 and read
// noise 0.02 unless ideal, IR-drop as given.
StudyInputs documented_network(int n_in, std::vector<int> hidden, int n_out, int rows, int cols,
                               int images, int timesteps, bool ideal, IrDropModel ir) {
  SyntheticNetworkSpec spec;
  spec.n_in = n_in;
  spec.hidden = std::move(hidden);
  spec.n_out = n_out;
  spec.n_images = images;
  spec.timesteps = timesteps;
  spec.array_rows = rows;
  spec.array_cols = cols;
  spec.feature_max = 0.572;
  spec.seed = 1;
  StudyInputs in = make_synthetic_network(spec);
  if (!ideal) {
    in.device.c2c_sigma = 0.1;
    in.device.read_sigma = 0.02;
    in.device.ir_drop = ir;
  }
  return in;
}

struct Measured {
  std::uint64_t chips = 0;
  double seconds = 0.0, inferences_per_s = 0.0, reads_per_s = 0.0, mean_accuracy = -1.0;
  std::string checksum;
};

struct LayerLine {
  int layer = -1, n_in = 0, n_out = 0;
  double spike_rate = -1.0, saturated_per_image = -1.0;
};

std::vector<Measured> measurements(const std::string& out) {
  static const std::regex line(
      R"(^  cpu \(.*\) +(\d+) chips in +([0-9.]+) s: ([0-9.e+-]+) inferences/s, ([0-9.e+-]+) )"
      R"(active-cell reads/s, mean accuracy ([0-9.]+), checksum ([0-9a-f]{16})$)");
  std::vector<Measured> found;
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    Measured r;
    r.chips = std::stoull(m[1]);
    r.seconds = std::stod(m[2]);
    r.inferences_per_s = std::stod(m[3]);
    r.reads_per_s = std::stod(m[4]);
    r.mean_accuracy = std::stod(m[5]);
    r.checksum = m[6];
    found.push_back(r);
  }
  return found;
}

std::vector<LayerLine> layer_lines(const std::string& out) {
  static const std::regex line(
      R"(^    layer (\d+) \((\d+) -> (\d+)\): spike rate ([0-9.]+), ([0-9.]+) saturated ADC )"
      R"(reads per image$)");
  std::vector<LayerLine> found;
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    found.push_back(
        {std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), std::stod(m[4]), std::stod(m[5])});
  }
  return found;
}

// Checks a run's lines against the reference engine on chips [0, chips) of `in`.
void expect_reference(const std::string& out, const StudyInputs& in, std::uint64_t chips) {
  const std::vector<Measured> ms = measurements(out);
  ASSERT_EQ(ms.size(), 1u) << out;
  const Measured& m = ms[0];
  ReferenceEngine reference;
  ChipBatchResult r;
  reference.run(in, 0, chips, r);
  const double runs = static_cast<double>(chips) * in.n_images();  // one time
  EXPECT_EQ(m.chips, chips);
  EXPECT_EQ(m.checksum, hex64(study::counts_checksum(r.correct)));
  EXPECT_NEAR(m.mean_accuracy, std::accumulate(r.correct.begin(), r.correct.end(), 0.0) / runs,
              5.0001e-5);
  // Rates: the chip·image inferences over the printed (rounded) seconds.
  EXPECT_GE(m.inferences_per_s * (1.0 + 5e-4), runs / (m.seconds + 0.0005));
  if (m.seconds > 0.0005) {
    EXPECT_LE(m.inferences_per_s * (1.0 - 5e-4), runs / (m.seconds - 0.0005));
  }

  // Active-cell reads per inference: per step, layer 0's expected active inputs (rate
  // coding: Σx per image) and each later layer's measured input spikes, each times the
  // 2·n_out columns its row is read on (the arrays tile the layer exactly: no bias).
  const int n_layers = static_cast<int>(in.layers.size());
  const int steps = in.readout.timesteps;
  auto spikes_of = [&](int l) {
    double s = 0.0;
    for (std::uint64_t c = 0; c < chips; ++c)
      s += static_cast<double>(r.layer_spikes[l * chips + c]);
    return s;
  };
  const double sum_x = std::accumulate(in.features.begin(), in.features.end(), 0.0);
  double reads = sum_x / in.n_images() * steps * 2.0 * in.layers[0].n_out;
  for (int l = 1; l < n_layers; ++l) reads += spikes_of(l - 1) / runs * 2.0 * in.layers[l].n_out;
  EXPECT_NEAR(m.reads_per_s / m.inferences_per_s, reads, 2e-3 * reads);
  const double dense = [&] {
    double d = 0.0;
    for (const LayerInputs& l : in.layers) d += static_cast<double>(l.n_in) * 2 * l.n_out * steps;
    return d;
  }();
  EXPECT_GT(reads, 0.0);
  EXPECT_LT(reads, dense);  // rate coding reads a fraction of the cells

  const std::vector<LayerLine> ls = layer_lines(out);
  ASSERT_EQ(ls.size(), in.layers.size()) << out;
  for (int l = 0; l < n_layers; ++l) {
    SCOPED_TRACE("layer " + std::to_string(l));
    EXPECT_EQ(ls[l].layer, l);
    EXPECT_EQ(ls[l].n_in, in.layers[l].n_in);
    EXPECT_EQ(ls[l].n_out, in.layers[l].n_out);
    EXPECT_NEAR(ls[l].spike_rate, spikes_of(l) / (runs * steps * in.layers[l].n_out), 5.0001e-5);
    double saturated = 0.0;
    for (std::uint64_t c = 0; c < chips; ++c)
      saturated += static_cast<double>(r.layer_saturated[l * chips + c]);
    EXPECT_NEAR(ls[l].saturated_per_image, saturated / runs, 5.0001e-3);  // printed to 2 decimals
  }
}

TEST(BenchNetworkCli, TiledNetworkEqualsTheReference) {
  TempDir dir("bench_net_tiled");
  // 16→12→4 on 8×8 arrays: layer 0 has 2 row blocks × 3 output blocks of 4 outputs,
  // layer 1 2 row blocks × 1.
  const CliRun r =
      run_xbarmc(dir,
                 "bench --backend cpu --network 16,12,4 --array-rows 8 --array-cols 8 --images 60 "
                 "--cpu-chips 3 --threads 2 --ir-drop nodal");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("xbarmc bench: network 16x12x4 on 8 arrays (6 of 8x8 + 2 of 8x8), T=16, "
                       "rate coding, C2C 0.1, read noise 0.02, ADC B 6-bit, IF, IR-drop nodal, "
                       "60 images\n"),
            std::string::npos)
      << r.out;
  expect_reference(r.out, documented_network(16, {12}, 4, 8, 8, 60, 16, false, IrDropModel::kNodal),
                   3);
}

TEST(BenchNetworkCli, ArraysOfEachLayersOwnSizePerTimestepCount) {
  TempDir dir("bench_net_own");
  const CliRun r = run_xbarmc(
      dir, "bench --backend cpu --network 20,10,6,3 --images 40 --chips 2 --timesteps 8,12");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string head =
      "xbarmc bench: network 20x10x6x3 on 3 arrays (1 of 20x20 + 1 of 10x12 "
      "+ 1 of 6x6), T=";
  EXPECT_NE(r.out.find(head + "8, rate coding, C2C 0.1, read noise 0.02, ADC B 6-bit, IF, "
                              "IR-drop none, 40 images\n"),
            std::string::npos)
      << r.out;
  const std::size_t second = r.out.find(head + "12,");
  ASSERT_NE(second, std::string::npos) << r.out;
  {
    SCOPED_TRACE("T=8");
    expect_reference(r.out.substr(0, second),
                     documented_network(20, {10, 6}, 3, 0, 0, 40, 8, false, IrDropModel::kNone), 2);
  }
  {
    SCOPED_TRACE("T=12");
    expect_reference(r.out.substr(second),
                     documented_network(20, {10, 6}, 3, 0, 0, 40, 12, false, IrDropModel::kNone),
                     2);
  }
}

TEST(BenchNetworkCli, IdealChip) {
  TempDir dir("bench_net_ideal");
  const CliRun r =
      run_xbarmc(dir, "bench --backend cpu --network 16,12,4 --ideal --images 60 --cpu-chips 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("on 2 arrays (1 of 16x24 + 1 of 12x8), T=16, rate coding, ideal chip, "
                       "ADC B 6-bit, IF, IR-drop none, 60 images\n"),
            std::string::npos)
      << r.out;
  const StudyInputs in = documented_network(16, {12}, 4, 0, 0, 60, 16, true, IrDropModel::kNone);
  expect_reference(r.out, in, 2);
  // Labels are the float network's argmax, so the ideal chip gets most images right.
  const std::vector<Measured> m = measurements(r.out);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_GT(m[0].mean_accuracy, 0.5);
}

TEST(BenchNetworkCli, BadInputExitsTwoWithOneLine) {
  TempDir dir("bench_net_bad");
  const struct {
    std::string args, named;
  } cases[] = {
      {"--network 16,x,4", "--network '16,x,4'"},
      {"--network 16,,4", "--network '16,,4'"},
      {"--network 16", "--network '16'"},
      {"--network 16,0,4", "--network '16,0,4'"},
      {"--network 16,12,1", "--network '16,12,1'"},
      {"--network 16,12,300", "--network '16,12,300'"},
      {"--network 70000,4", "--network '70000,4'"},
      {"--network 16,12,4 --array-cols 7", "--array-cols 7"},
      {"--network 16,12,4 --array-cols -2", "--array-cols -2"},
      {"--network 16,12,4 --array-rows -1", "--array-rows -1"},
      {"--network 16,12,4 --inputs 8", "--inputs"},
      {"--network 16,12,4 --ideal --ir-drop nodal", "--ir-drop"},
      {"--network 16,12,4 --timesteps 0", "--timesteps 0"},
      {"--array-rows 8", "--array-rows"},
  };
  for (const auto& c : cases) {
    const CliRun r = run_xbarmc(dir, "bench --backend cpu --cpu-chips 1 --images 5 " + c.args);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
}

}  // namespace
}  // namespace xbarmc
