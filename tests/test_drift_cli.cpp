// `xbarmc drift` end to end on a tiny generated data set: the drift file layout the
// analysis reads, the default log time grid, both modes equal to the corresponding
// `xbarmc mc` studies (the same chips), interruption and --resume, and bad input →
// exit 2 with one line and no file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

class DriftCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("drift_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("train --quiet --epochs 6 --data-dir " + data() + " --out " + model());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string model() { return dir_->file("model.h5"); }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  // Drift with cell-to-cell spread of ν, so chips lose accuracy over time.
  static std::string chip_args() {
    return " --model " + model() + " --data-dir " + data() +
           " --chips 6 --images 60 --c2c-sigma 0.1 --nu-mean 0.06 --nu-std 0.04 --timesteps 8"
           " --yield-spec 0.8,float-5pp --quiet";
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> DriftCli::dir_;

const double kGrid[] = {1.0, 3600.0, 86400.0, 30 * 86400.0, 365.25 * 86400.0, 3652.5 * 86400.0};

TEST_F(DriftCli, WritesBothModesOverTheDefaultLogGrid) {
  const std::string out = file("drift.h5");
  const CliRun r = run("drift" + chip_args() + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* word : {"without compensation", "with global compensation", "1 s", "1 h", "1 d",
                           "30 d", "1 y", "10 y", "checksums"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(out + ".uncompensated"));
  EXPECT_FALSE(fs::exists(out + ".compensated"));
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.string_attribute("study"), "drift");
  for (const char* attr : {"version", "git_describe", "command_line", "config_toml", "seed",
                           "backend", "device_name", "created_utc"}) {
    EXPECT_TRUE(f.has_attribute(attr)) << attr;
  }
  EXPECT_EQ(f.string_attribute("config_toml").find("drift-compensation"), std::string::npos);
  const std::vector<double> grid(std::begin(kGrid), std::end(kGrid));
  for (const char* mode : {"drift/uncompensated", "drift/compensated"}) {
    const h5::Group g = f.open_group(mode);
    EXPECT_EQ(g.read<double>("times").data, grid) << mode;
    EXPECT_EQ(g.read<std::uint32_t>("correct").shape, (h5::Shape{6, 6})) << mode;
    EXPECT_EQ(g.read<double>("summary/p5").shape, (h5::Shape{6})) << mode;
    EXPECT_EQ(g.read<double>("yield/fraction").shape, (h5::Shape{6, 2})) << mode;
    EXPECT_TRUE(g.has_attribute("checksum")) << mode;
  }
  EXPECT_TRUE(f.exists("reference/nominal_accuracy"));
  EXPECT_TRUE(f.exists("mapping/g_target"));
  // Same chips: at t = t0 nothing has drifted, the gain is 1, both modes agree.
  const auto unc = f.read<std::uint32_t>("drift/uncompensated/correct").data;
  const auto comp = f.read<std::uint32_t>("drift/compensated/correct").data;
  EXPECT_TRUE(std::equal(unc.begin(), unc.begin() + 6, comp.begin()));
  // ν spread costs accuracy: the mean after 10 years is below the mean at 1 s.
  const auto mean = f.read<double>("drift/uncompensated/summary/mean").data;
  EXPECT_LT(mean.back(), mean.front());
}

TEST_F(DriftCli, EachModeIsTheMcStudyOfThatMode) {
  const std::string drift = file("same.h5");
  ASSERT_EQ(run("drift" + chip_args() + " --times 1,86400,31557600 --out " + drift).status, 0);
  const std::string times = " --times 1,86400,31557600";
  ASSERT_EQ(run("mc" + chip_args() + times + " --out " + file("mc_unc.h5")).status, 0);
  ASSERT_EQ(
      run("mc" + chip_args() + times + " --drift-compensation --out " + file("mc_comp.h5")).status,
      0);
  const h5::File f = h5::File::open(drift);
  EXPECT_EQ(f.read<double>("drift/uncompensated/times").data,
            (std::vector<double>{1, 86400, 31557600}));
  EXPECT_EQ(f.read<std::uint32_t>("drift/uncompensated/correct").data,
            h5::File::open(file("mc_unc.h5")).read<std::uint32_t>("mc/correct").data);
  EXPECT_EQ(f.read<std::uint32_t>("drift/compensated/correct").data,
            h5::File::open(file("mc_comp.h5")).read<std::uint32_t>("mc/correct").data);
}

TEST_F(DriftCli, InterruptedThenResumedEqualsStraightRun) {
  const std::string straight = file("straight.h5"), resumed = file("resumed.h5");
  ASSERT_EQ(run("drift" + chip_args() + " --out " + straight).status, 0);
  const CliRun stopped =
      run("drift" + chip_args() + " --batch 2 --stop-after-batches 1 --out " + resumed);
  EXPECT_EQ(stopped.status, 130) << stopped.err;
  EXPECT_FALSE(fs::exists(resumed));
  const CliRun again = run("drift" + chip_args() + " --out " + resumed);
  EXPECT_EQ(again.status, 2) << again.err;  // the interrupted part is not thrown away silently
  const CliRun done = run("drift" + chip_args() + " --resume --out " + resumed);
  ASSERT_EQ(done.status, 0) << done.err;
  const h5::File a = h5::File::open(straight), b = h5::File::open(resumed);
  for (const char* name : {"drift/uncompensated/correct", "drift/compensated/correct"}) {
    EXPECT_EQ(a.read<std::uint32_t>(name).data, b.read<std::uint32_t>(name).data) << name;
  }
  EXPECT_FALSE(fs::exists(resumed + ".uncompensated.partial"));
}

TEST_F(DriftCli, RunConfigWithADriftSectionRunsTheDriftStudy) {
  // [mc] keys (as from a device preset) apply to [drift], which overrides them.
  const std::string out = file("run/drift.h5");
  std::ofstream(file("drift.toml"))
      << "[train]\ndata-dir = \"" << data() << "\"\nepochs = 3\nout = \"" << file("run/model.h5")
      << "\"\n\n[mc]\nc2c-sigma = 0.15\nnu-mean = 0.5\n\n[drift]\ndata-dir = \"" << data()
      << "\"\nchips = 3\nimages = 30\ntimes = [1, 3600]\nnu-mean = 0.04\nout = \"" << out << "\"\n";
  const CliRun r = run("run " + file("drift.toml") + " --quiet");
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.string_attribute("study"), "drift");
  const std::string toml = f.string_attribute("config_toml");
  EXPECT_NE(toml.find("c2c-sigma = 0.15"), std::string::npos) << toml;
  EXPECT_NE(toml.find("nu-mean = 0.04"), std::string::npos) << toml;
  EXPECT_EQ(f.read<double>("drift/compensated/times").data, (std::vector<double>{1, 3600}));
}

TEST_F(DriftCli, BadInputExitsTwoWithoutAnyFile) {
  const std::string out = file("bad.h5");
  const struct {
    std::string args, named;
  } cases[] = {
      {" --times ''", "--times"},
      {" --times 1,soon", "soon"},
      {" --times 1,-5", "-5"},
      {" --nu-std -0.1", "--nu-std"},
      {" --drift-compensation", "--drift-compensation"},
      {" --split train", "train"},
  };
  for (const auto& c : cases) {
    const CliRun r = run("drift" + chip_args() + c.args + " --out " + out);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const std::string& left : {out, out + ".uncompensated", out + ".uncompensated.partial"}) {
      EXPECT_FALSE(fs::exists(left)) << c.args << ": " << left;
    }
  }
}

TEST_F(DriftCli, ChipIndicesBeyond32BitsExitTwoBeforeAnyFile) {
  const std::string out = file("beyond.h5");
  const CliRun r = run("drift --model " + model() + " --data-dir " + data() +
                       " --images 20 --chips 5000000000 --chips-from 4294967290 "
                       "--chips-to 4294967300 --quiet --out " +
                       out);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("--chips 5000000000"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  for (const std::string& left : {out, out + ".uncompensated", out + ".uncompensated.partial"}) {
    EXPECT_FALSE(fs::exists(left)) << left;
  }
}

}  // namespace
}  // namespace xbarmc
