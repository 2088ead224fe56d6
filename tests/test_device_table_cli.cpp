// Measured level tables and write-verify through the CLI (DESIGN §2.8): a table that
// repeats the scalar statistics is the study without it, count for count; a table's g_s
// reach the weight maps; write-verify's per-chip counts survive batches, --resume and
// merged shards; bad tables and verify settings are one line before any file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "same_results.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

class DeviceTableCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("device_table_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run_xbarmc(
        *dir_, "train --quiet --epochs 3 --data-dir " + data() + " --out " + file("m.h5"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string data() { return dir_->path().string(); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }
  static std::string write(const std::string& name, const std::string& text) {
    std::ofstream(file(name)) << text;
    return file(name);
  }
  static std::string study(const std::string& out, const std::string& extra = "") {
    return "mc --model " + file("m.h5") + " --data-dir " + data() +
           " --chips 6 --times 1,3600 --d2d-sigma 0.05 --c2c-sigma 0.2 --p-stuck-on 0.01 "
           "--nu-mean 0.02 --nu-std 0.01 --read-sigma 0.05 --timesteps 8 --quiet --out " +
           out + " " + extra;
  }
  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> DeviceTableCli::dir_;

// 16 levels (4 bits) with the scalar options' statistics at every level.
std::string scalar_table() {
  std::ostringstream t;
  t << "level,c2c_sigma,nu_mean,nu_std\n";
  for (int k = 0; k < 16; ++k) t << k << ",0.2,0.02,0.01\n";
  return t.str();
}

TEST_F(DeviceTableCli, ATableOfTheScalarStatisticsIsTheStudyWithoutIt) {
  const CliRun plain = run(study(file("plain.h5")));
  ASSERT_EQ(plain.status, 0) << plain.err;
  const CliRun table =
      run(study(file("table.h5"), "--device-table " + write("scalar.csv", scalar_table())));
  ASSERT_EQ(table.status, 0) << table.err;
  const h5::File a = h5::File::open(file("plain.h5")), b = h5::File::open(file("table.h5"));
  EXPECT_EQ(a.read<std::uint32_t>("mc/correct").data, b.read<std::uint32_t>("mc/correct").data);
  EXPECT_EQ(a.open_group("mc").string_attribute("checksum"),
            b.open_group("mc").string_attribute("checksum"));
  EXPECT_EQ(a.read<double>("reference/mapped_accuracy").data,
            b.read<double>("reference/mapped_accuracy").data);
  // The table is part of the study's key, with its checksum.
  EXPECT_NE(b.string_attribute("study_key").find("device-table = "), std::string::npos);
  EXPECT_NE(b.string_attribute("study_key").find("# device table checksum"), std::string::npos);
  EXPECT_EQ(a.string_attribute("study_key").find("device-table"), std::string::npos);
}

TEST_F(DeviceTableCli, TheTablesConductancesAreTheLevelsOfTheStudyAndTheMaps) {
  // Linear levels of 1..16 nS instead of the model's log levels.
  std::ostringstream t;
  t << "level,g_s\n";
  for (int k = 0; k < 16; ++k) t << k << "," << (k + 1) << "e-9\n";
  const std::string table = write("linear.csv", t.str());
  const CliRun r = run(study(file("linear.h5"), "--device-table " + table));
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(file("linear.h5"));
  for (double g : f.read<double>("mapping/layers/0/g_target").data) {
    const double level = g / 1e-9 - 1.0;
    EXPECT_NEAR(level, std::round(level), 1e-9) << g;
    EXPECT_GE(level, 0.0);
    EXPECT_LE(level, 15.0);
  }
  const CliRun m = run("map --weights " + file("m.h5") + " --device-table " + table + " --out " +
                       file("linear_map.csv"));
  ASSERT_EQ(m.status, 0) << m.err;
  std::ifstream in(file("linear_map.csv"));
  std::string line;
  std::getline(in, line);
  int rows = 0;
  bool saw_top = false;
  while (std::getline(in, line)) {
    ++rows;
    // Every conductance written is one of the table's.
    std::istringstream fields(line);
    std::string field;
    for (int c = 0; std::getline(fields, field, ','); ++c) {
      if (field.find("e-") == std::string::npos) continue;
      const double level = std::stod(field) / 1e-9 - 1.0;
      EXPECT_NEAR(level, std::round(level), 1e-6) << line;
      saw_top = saw_top || std::round(level) == 15.0;
    }
  }
  EXPECT_GT(rows, 0);
  EXPECT_TRUE(saw_top);
}

TEST_F(DeviceTableCli, WriteVerifyCountsSurviveBatchesResumeAndShards) {
  const std::string verify = "--verify-tolerance 0.05 --verify-max-pulses 6";
  const CliRun one = run(study(file("v1.h5"), verify));
  ASSERT_EQ(one.status, 0) << one.err;
  const h5::File f = h5::File::open(file("v1.h5"));
  const std::vector<std::uint64_t> pulses = f.read<std::uint64_t>("mc/verify_pulses").data;
  const std::vector<std::uint64_t> failed = f.read<std::uint64_t>("mc/verify_failures").data;
  const std::vector<std::uint64_t> cells = f.read<std::uint64_t>("mc/verify_cells").data;
  ASSERT_EQ(cells.size(), 6u);
  double mean_pulses = 0.0;
  for (std::size_t c = 0; c < 6; ++c) {
    // 64 × 20 cells, about 1 % stuck on.
    EXPECT_GT(cells[c], 1200u);
    EXPECT_LE(cells[c], 1280u);
    EXPECT_GT(pulses[c], cells[c]);
    EXPECT_LE(pulses[c], 6 * cells[c]);
    EXPECT_LT(failed[c], cells[c]);
    mean_pulses += static_cast<double>(pulses[c]) / static_cast<double>(cells[c]) / 6.0;
  }
  EXPECT_DOUBLE_EQ(f.open_group("mc").double_attribute("verify_mean_pulses"), mean_pulses);
  EXPECT_NE(one.out.find("write-verify: "), std::string::npos) << one.out;
  // Lognormal σ 0.2, ε 0.05: p = P(|exp(0.2ξ) − 1| ≤ 0.05) ≈ 0.198, so about
  // (1 − 0.802^6)/0.198 ≈ 3.7 pulses per cell and 0.802^6 ≈ 27 % misses.
  EXPECT_NEAR(mean_pulses, 3.7, 0.15);
  EXPECT_NEAR(f.open_group("mc").double_attribute("verify_failed_fraction"), 0.266, 0.03);

  ASSERT_EQ(run(study(file("v2.h5"), verify + " --batch 2 --threads 1")).status, 0);
  const CliRun stopped = run(study(file("v3.h5"), verify + " --batch 2 --stop-after-batches 1"));
  ASSERT_EQ(stopped.status, 130) << stopped.err;
  ASSERT_EQ(run(study(file("v3.h5"), verify + " --batch 2 --resume")).status, 0);
  ASSERT_EQ(run(study(file("s0.h5"), verify + " --chips-to 4")).status, 0);
  ASSERT_EQ(run(study(file("s1.h5"), verify + " --chips-from 4")).status, 0);
  const CliRun merged =
      run("merge --quiet --out " + file("v4.h5") + " " + file("s1.h5") + " " + file("s0.h5"));
  ASSERT_EQ(merged.status, 0) << merged.err;
  for (const char* other : {"v2.h5", "v3.h5", "v4.h5"}) {
    const h5::File g = h5::File::open(file(other));
    EXPECT_EQ(g.read<std::uint64_t>("mc/verify_pulses").data, pulses) << other;
    EXPECT_EQ(g.read<std::uint64_t>("mc/verify_failures").data, failed) << other;
    EXPECT_EQ(g.read<std::uint64_t>("mc/verify_cells").data, cells) << other;
    EXPECT_EQ(g.read<std::uint32_t>("mc/correct").data, f.read<std::uint32_t>("mc/correct").data)
        << other;
  }
  // Resuming with another tolerance is another study.
  const CliRun stopped2 = run(study(file("v5.h5"), verify + " --batch 2 --stop-after-batches 1"));
  ASSERT_EQ(stopped2.status, 130);
  const CliRun other = run(study(file("v5.h5"), "--verify-tolerance 0.1 --batch 2 --resume"));
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.err.find("verify-tolerance"), std::string::npos) << other.err;
}

TEST_F(DeviceTableCli, BadTablesAndVerifySettingsAreOneLineBeforeAnyFile) {
  const std::string short_table = write("short.csv", "level,g_s\n0,1e-9\n1,2e-9\n");
  const std::string bad_sigma = write("neg.csv", [] {
    std::ostringstream t;
    t << "level,c2c_sigma\n";
    for (int k = 0; k < 16; ++k) t << k << "," << (k == 7 ? "-0.1" : "0.1") << "\n";
    return t.str();
  }());
  const struct {
    std::string args, named;
  } cases[] = {
      {"--device-table " + short_table, short_table + ": 2 levels, --weight-bits 4 needs 16"},
      {"--device-table " + bad_sigma, bad_sigma + ":9: c2c_sigma -0.1 must be >= 0"},
      {"--device-table " + file("missing.csv"), file("missing.csv")},
      {"--verify-tolerance -0.1", "--verify-tolerance -0.1"},
      {"--verify-tolerance 0.1 --verify-max-pulses 0", "--verify-max-pulses 0"},
  };
  // budget and tolerance switch the scalar options; a table's statistics would stay on.
  const std::string table = write("stats.csv", scalar_table());
  for (const std::string& command :
       {std::string("budget"), std::string("tolerance --vary c2c-sigma --range 0,0.5 "
                                           "--yield-target 0.9 --spec nominal-1pp")}) {
    const std::string out = file("bad_budget.h5");
    const CliRun r = run(command + " --model " + file("m.h5") + " --data-dir " + data() +
                         " --chips 2 --quiet --device-table " + table + " --out " + out);
    EXPECT_EQ(r.status, 2) << command << "\n" << r.err;
    EXPECT_NE(r.err.find("cannot switch a table's per-level statistics"), std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  for (const auto& c : cases) {
    const std::string out = file("bad.h5");
    const CliRun r = run(study(out, c.args));
    EXPECT_EQ(r.status, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(out + ".partial")) << c.args;
  }
}

}  // namespace
}  // namespace xbarmc
