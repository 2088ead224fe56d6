// `xbarmc tolerance` end to end on a tiny generated data set (DESIGN §2.9): the curve,
// the bracket within the resolution in at most ⌈log2(range/resolution)⌉ + 2 studies, the
// yields at the bracket's ends equal to the mc studies at those values (the same chips),
// the same results on any thread count, a study config, and bad input → exit 2 with
// one line naming the value and no file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "common/number_text.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

class ToleranceCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("tolerance_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("train --quiet --epochs 6 --data-dir " + data() + " --out " + model());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string model() { return dir_->file("model.h5"); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  static std::string study() {
    return " --model " + model() + " --data-dir " + data() +
           " --chips 20 --images 60 --timesteps 8 --read-sigma 0.05 --times 1,86400 --quiet";
  }
  static std::string search() {
    return " --vary c2c-sigma --range 0,1.6 --yield-target 0.7 --spec nominal-3pp "
           "--resolution 0.01";
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> ToleranceCli::dir_;

TEST_F(ToleranceCli, FindsTheBracketWithinTheResolutionAndWritesTheCurve) {
  const std::string out = file("tol.h5");
  const CliRun r = run("tolerance" + study() + search() + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("c2c-sigma tolerance "), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out + ".runs"));
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.string_attribute("study"), "tolerance");
  const h5::Group t = f.open_group("tolerance");
  ASSERT_EQ(t.string_attribute("verdict"), "found") << r.out;
  EXPECT_EQ(t.string_attribute("parameter"), "c2c-sigma");
  EXPECT_EQ(t.string_attribute("spec"), "nominal-3pp");
  EXPECT_EQ(t.double_attribute("time"), 86400.0);  // the last of --times
  // ⌈log2(1.6 / 0.01)⌉ + 2 = 8 + 2.
  EXPECT_EQ(t.int_attribute("max_studies"), 10);
  EXPECT_LE(t.int_attribute("studies"), 10);
  const std::vector<double> bracket = t.read<double>("bracket").data;
  ASSERT_EQ(bracket.size(), 2u);
  EXPECT_LT(bracket[0], bracket[1]);
  EXPECT_LE(bracket[1] - bracket[0], 0.01);
  EXPECT_EQ(t.read<double>("value").data[0], bracket[0]);
  const std::vector<double> y = t.read<double>("bracket_yield").data;
  EXPECT_GE(y[0], 0.7);
  EXPECT_LT(y[1], 0.7);
  const std::vector<double> values = t.read<double>("curve/value").data;
  EXPECT_EQ(static_cast<int>(values.size()), t.int_attribute("studies"));
  EXPECT_TRUE(std::is_sorted(values.begin(), values.end()));
  EXPECT_EQ(values.front(), 0.0);
  EXPECT_EQ(values.back(), 1.6);
  EXPECT_EQ(t.read<double>("curve/accuracy").shape, (h5::Shape{values.size(), 20}));

  // Each end of the bracket is the mc study at that value: the same chips.
  for (int k = 0; k < 2; ++k) {
    const std::string mc = file("end" + std::to_string(k) + ".h5");
    const CliRun m = run("mc --model " + model() + " --data-dir " + data() +
                         " --chips 20 --images 60 --timesteps 8 --read-sigma 0.05 --quiet"
                         " --times 86400 --yield-spec nominal-3pp --c2c-sigma " +
                         round_trip_text(bracket[k]) + " --out " + mc);
    ASSERT_EQ(m.status, 0) << m.err;
    const h5::File g = h5::File::open(mc);
    EXPECT_EQ(g.read<double>("mc/yield/fraction").data[0], y[k]) << k;
    EXPECT_EQ(g.read<double>("mc/yield/wilson_low").data[0],
              t.read<double>("bracket_wilson_low").data[k])
        << k;
    const std::size_t at = static_cast<std::size_t>(
        std::find(values.begin(), values.end(), bracket[k]) - values.begin());
    const std::vector<double> curve = t.read<double>("curve/accuracy").data;
    const std::vector<double> chips(curve.begin() + static_cast<std::ptrdiff_t>(at * 20),
                                    curve.begin() + static_cast<std::ptrdiff_t>(at * 20 + 20));
    EXPECT_EQ(g.read<double>("mc/accuracy").data, chips) << k;
  }
}

TEST_F(ToleranceCli, SameResultsOnAnyThreadCount) {
  const std::string a = file("t1.h5"), b = file("t2.h5");
  ASSERT_EQ(run("tolerance" + study() + search() + " --threads 1 --out " + a).status, 0);
  ASSERT_EQ(run("tolerance" + study() + search() + " --threads 2 --batch 3 --out " + b).status, 0);
  const h5::File fa = h5::File::open(a), fb = h5::File::open(b);
  for (const char* name : {"tolerance/curve/value", "tolerance/curve/yield",
                           "tolerance/curve/accuracy", "tolerance/bracket"}) {
    EXPECT_EQ(fa.read<double>(name).data, fb.read<double>(name).data) << name;
  }
}

TEST_F(ToleranceCli, TargetMetEverywhereIsReportedAsTheWholeRange) {
  const std::string out = file("whole.h5");
  const CliRun r = run("tolerance" + study() +
                       " --vary p-stuck-off --range 0,0.001 --yield-target 0.5 --spec 0.1 "
                       "--resolution 0.0005 --out " +
                       out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("at least 0.001"), std::string::npos) << r.out;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.open_group("tolerance").string_attribute("verdict"), "whole-range");
}

TEST_F(ToleranceCli, StudyConfigVariesItsDevice) {
  fs::create_directories(file("cfg"));
  std::ofstream(file("cfg/study.toml"))
      << "[train]\ndata-dir = \"" << data() << "\"\nepochs = 3\nout = \"" << file("cfg/model.h5")
      << "\"\n\n[mc]\ndata-dir = \"" << data()
      << "\"\nchips = 6\nimages = 40\ntimesteps = 8\nread-sigma = 0.05\n"
         "yield-spec = [\"nominal-3pp\"]\nout = \""
      << file("cfg/out/results.h5") << "\"\n";
  const CliRun r = run("tolerance " + file("cfg/study.toml") +
                       " --vary c2c-sigma --range 0,1 --resolution 0.1 --yield-target 0.5 --quiet");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string out = file("cfg/out/tolerance-c2c-sigma.h5");
  ASSERT_TRUE(fs::exists(out)) << r.out;
  EXPECT_LE(h5::File::open(out).open_group("tolerance").int_attribute("studies"), 6);
}

TEST_F(ToleranceCli, BadInputExitsTwoWithOneLineAndNoFile) {
  const std::string out = file("bad.h5");
  const std::string base = "tolerance" + study();
  const std::string rest = " --yield-target 0.7 --spec nominal-3pp --resolution 0.01";
  const struct {
    std::string args, named;
  } cases[] = {
      {" --vary c2c --range 0,1" + rest, "c2c"},
      {" --range 0,1" + rest, "--vary"},
      {" --vary c2c-sigma" + rest, "--range"},
      {" --vary c2c-sigma --range 1,0" + rest, "--range 1,0"},
      {" --vary c2c-sigma --range 0,x" + rest, "0,x"},
      {" --vary c2c-sigma --range 0.5" + rest, "--range"},
      {" --vary c2c-sigma --range -1,0.5" + rest, "--range -1,0.5"},
      {" --vary p-stuck-on --range 0,2" + rest, "--range 0,2"},
      {" --vary r-wl --range 0,10" + rest, "--ir-drop none"},
      {" --vary c2c-sigma --range 0,1 --yield-target 1.5", "--yield-target 1.5"},
      {" --vary c2c-sigma --range 0,1 --resolution -0.1", "--resolution -0.1"},
      {" --vary c2c-sigma --range 0,1 --resolution 1e-15", "--resolution 1e-15"},
      {" --vary c2c-sigma --range 0,1 --spec nominal-3xx", "nominal-3xx"},
      {" --vary c2c-sigma --range 0,1 --time -5" + rest, "--time -5"},
      {" --vary c2c-sigma --range 0,1 --scan -1" + rest, "--scan -1"},
      {" --vary c2c-sigma --range 0,1 --chips-to 3" + rest, "--chips-from/--chips-to"},
  };
  for (const auto& c : cases) {
    const CliRun r = run(base + c.args + " --out " + out);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(out + ".runs")) << c.args;
  }
  const CliRun missing = run("tolerance --model " + file("missing.h5") + " --data-dir " + data() +
                             " --vary c2c-sigma --range 0,1 --quiet --out " + out);
  EXPECT_EQ(missing.status, 2) << missing.err;
  EXPECT_NE(missing.err.find("missing.h5"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".runs"));
}

}  // namespace
}  // namespace xbarmc
