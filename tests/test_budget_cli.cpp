// `xbarmc budget` end to end on a tiny generated data set (DESIGN §2.9): the file and
// the table, the invariants that make the rows comparable (a row with every
// non-ideality off is the nominal chip exactly; an alone row is the mc study of that
// factor alone on the same chips; with two factors, all but one is the other one
// alone), the same results on any thread count, interruption and --resume, study
// configs, a network on arrays, and bad input → exit 2 with one line and no file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

class BudgetCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("budget_cli");
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
           " --chips 6 --images 60 --timesteps 8 --yield-spec nominal-2pp,0.5 --quiet";
  }
  // Every factor but A2A (a one-layer chip has one array) and IR-drop.
  static std::string device() {
    return " --d2d-sigma 0.1 --c2c-sigma 0.3 --p-stuck-on 0.01 --p-stuck-off 0.01 --nu-mean 0.05 "
           "--nu-std 0.03 --read-sigma 0.1";
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> BudgetCli::dir_;

std::vector<std::string> row_names(const h5::File& f) {
  return f.read_strings("budget/row/name");
}

// Row `name`'s [n_times × n_chips] accuracies.
std::vector<double> row_accuracy(const h5::File& f, const std::string& name) {
  const std::vector<std::string> names = row_names(f);
  const auto at = std::find(names.begin(), names.end(), name);
  EXPECT_NE(at, names.end()) << name;
  const h5::Array<double> all = f.read<double>("budget/accuracy");
  const std::size_t per_row = all.data.size() / names.size();
  const std::size_t i = static_cast<std::size_t>(at - names.begin());
  return {all.data.begin() + static_cast<std::ptrdiff_t>(i * per_row),
          all.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * per_row)};
}

std::vector<double> mc_accuracy(const std::string& path) {
  return h5::File::open(path).read<double>("mc/accuracy").data;
}

TEST_F(BudgetCli, WritesTheBudgetFileAndTable) {
  const std::string out = file("budget.h5");
  const CliRun r = run("budget" + study() + device() + " --times 1,86400 --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* word :
       {"budget: 6 chips x 2 times on 60 test images, 11 mc studies", "nominal, ideal ADC",
        "C2C alone", "all but stuck cells", "= nominal (not in this device)",
        "mean accuracy over time", "checksums of correct counts: d2d "}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(out + ".runs"));
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.string_attribute("study"), "budget");
  for (const char* attr : {"version", "git_describe", "command_line", "config_toml", "seed",
                           "backend", "device_name", "created_utc"}) {
    EXPECT_TRUE(f.has_attribute(attr)) << attr;
  }
  const std::vector<std::string> names = row_names(f);
  ASSERT_EQ(names.size(), 19u);
  EXPECT_EQ(names[0], "float");
  EXPECT_EQ(names[3], "nominal");
  EXPECT_EQ(names[11], "all");
  EXPECT_EQ(f.read_strings("budget/row/kind")[12], "all-but-one");
  EXPECT_EQ(f.read<double>("budget/mean").shape, (h5::Shape{19, 2}));
  EXPECT_EQ(f.read<double>("budget/p5").shape, (h5::Shape{19, 2}));
  EXPECT_EQ(f.read<double>("budget/accuracy").shape, (h5::Shape{19, 2, 6}));
  EXPECT_EQ(f.read<double>("budget/yield/fraction").shape, (h5::Shape{19, 2, 2}));
  EXPECT_EQ(f.read<double>("budget/yield/wilson_low").shape, (h5::Shape{19, 2, 2}));
  EXPECT_EQ(f.read_strings("budget/yield/spec"), (std::vector<std::string>{"nominal-2pp", "0.5"}));
  EXPECT_TRUE(f.exists("reference/ideal_adc_nominal_accuracy"));
  EXPECT_EQ(f.open_group("budget").int_attribute("studies"), 11);
  // Wilson bounds bracket every yield.
  const auto y = f.read<double>("budget/yield/fraction").data;
  const auto lo = f.read<double>("budget/yield/wilson_low").data;
  const auto hi = f.read<double>("budget/yield/wilson_high").data;
  for (std::size_t i = 0; i < y.size(); ++i) {
    EXPECT_LE(lo[i], y[i]);
    EXPECT_GE(hi[i], y[i]);
  }
  // Drift alone at 1 s (= t0) has not drifted: the nominal chip on every chip.
  const std::vector<double> drift = row_accuracy(f, "drift");
  const double nominal = f.read<double>("reference/nominal_accuracy").data[0];
  for (std::size_t c = 0; c < 6; ++c) EXPECT_EQ(drift[c], nominal) << c;
}

TEST_F(BudgetCli, RowWithEveryNonIdealityOffIsTheNominalChipExactly) {
  // What lets the budget skip such rows: an mc study of the device with everything off
  // gives every chip exactly the nominal chip's accuracy.
  const std::string off = file("off.h5");
  ASSERT_EQ(run("mc" + study() + " --times 1,86400 --out " + off).status, 0);
  const double nominal = h5::File::open(off).read<double>("reference/nominal_accuracy").data[0];
  for (double a : mc_accuracy(off)) EXPECT_EQ(a, nominal);
  // In a budget: the rows of factors the device lacks are the nominal row, and a device
  // without any is the nominal chip in every row, without a single study.
  const std::string out = file("budget_off.h5");
  const CliRun r = run("budget" + study() + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.open_group("budget").int_attribute("studies"), 0);
  const std::vector<double> reference = row_accuracy(f, "nominal");
  for (const std::string& name : row_names(f)) {
    if (name == "float" || name == "mapped" || name == "nominal-ideal-adc") continue;
    EXPECT_EQ(row_accuracy(f, name), reference) << name;
  }
  for (double a : reference) EXPECT_EQ(a, nominal);
}

TEST_F(BudgetCli, AloneRowsAreTheMcStudiesOfThatFactorAloneOnTheSameChips) {
  const std::string out = file("budget_two.h5");
  const std::string two = " --c2c-sigma 0.3 --read-sigma 0.1";
  const CliRun r = run("budget" + study() + two + " --keep-runs --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.open_group("budget").int_attribute("studies"), 3);  // c2c, read noise, all
  ASSERT_EQ(run("mc" + study() + " --c2c-sigma 0.3 --out " + file("c2c.h5")).status, 0);
  ASSERT_EQ(run("mc" + study() + " --read-sigma 0.1 --out " + file("read.h5")).status, 0);
  ASSERT_EQ(run("mc" + study() + two + " --out " + file("all.h5")).status, 0);
  EXPECT_EQ(row_accuracy(f, "c2c"), mc_accuracy(file("c2c.h5")));
  EXPECT_EQ(row_accuracy(f, "read-noise"), mc_accuracy(file("read.h5")));
  EXPECT_EQ(row_accuracy(f, "all"), mc_accuracy(file("all.h5")));
  // With two factors, all but one is the other alone: the complement's study.
  EXPECT_EQ(row_accuracy(f, "all-but-c2c"), mc_accuracy(file("read.h5")));
  EXPECT_EQ(row_accuracy(f, "all-but-read-noise"), mc_accuracy(file("c2c.h5")));
  // --keep-runs keeps the rows' mc files.
  EXPECT_TRUE(fs::exists(out + ".runs/c2c.h5"));
  EXPECT_EQ(mc_accuracy(out + ".runs/c2c.h5"), mc_accuracy(file("c2c.h5")));
}

TEST_F(BudgetCli, SameResultsOnAnyThreadCount) {
  const std::string a = file("threads1.h5"), b = file("threads2.h5");
  ASSERT_EQ(run("budget" + study() + device() + " --threads 1 --out " + a).status, 0);
  ASSERT_EQ(run("budget" + study() + device() + " --threads 2 --batch 2 --out " + b).status, 0);
  const h5::File fa = h5::File::open(a), fb = h5::File::open(b);
  for (const char* name : {"budget/accuracy", "budget/mean", "budget/p5", "budget/cost",
                           "budget/yield/fraction", "budget/yield/wilson_low"}) {
    EXPECT_EQ(fa.read<double>(name).data, fb.read<double>(name).data) << name;
  }
  EXPECT_EQ(fa.read_strings("budget/row/checksum"), fb.read_strings("budget/row/checksum"));
}

TEST_F(BudgetCli, InterruptedThenResumedEqualsStraightRun) {
  const std::string straight = file("straight.h5"), resumed = file("resumed.h5");
  ASSERT_EQ(run("budget" + study() + device() + " --out " + straight).status, 0);
  const CliRun stopped =
      run("budget" + study() + device() + " --batch 2 --stop-after-batches 1 --out " + resumed);
  EXPECT_EQ(stopped.status, 130) << stopped.err;
  EXPECT_FALSE(fs::exists(resumed));
  EXPECT_TRUE(fs::exists(resumed + ".runs"));
  const CliRun again = run("budget" + study() + device() + " --out " + resumed);
  EXPECT_EQ(again.status, 2) << again.err;  // the interrupted run is not thrown away silently
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
  const CliRun done = run("budget" + study() + device() + " --resume --out " + resumed);
  ASSERT_EQ(done.status, 0) << done.err;
  EXPECT_EQ(h5::File::open(straight).read<double>("budget/accuracy").data,
            h5::File::open(resumed).read<double>("budget/accuracy").data);
  EXPECT_FALSE(fs::exists(resumed + ".runs"));
}

TEST_F(BudgetCli, StudyConfigGivesTheBudgetOfItsStudy) {
  // [mc] is the study; [budget] overrides its keys; the command line overrides both.
  fs::create_directories(file("cfg"));
  std::ofstream(file("cfg/study.toml"))
      << "[train]\ndata-dir = \"" << data() << "\"\nepochs = 3\nout = \"" << file("cfg/model.h5")
      << "\"\n\n[mc]\ndata-dir = \"" << data()
      << "\"\nchips = 4\nimages = 40\ntimesteps = 8\nc2c-sigma = 0.2\nread-sigma = 0.05\n"
         "yield-spec = [\"nominal-2pp\"]\nout = \""
      << file("cfg/out/results.h5") << "\"\n\n[budget]\nchips = 3\n";
  const CliRun r = run("budget " + file("cfg/study.toml") + " --images 30 --quiet");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string out = file("cfg/out/budget.h5");  // beside [mc]'s out
  ASSERT_TRUE(fs::exists(out)) << r.out;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.read<std::uint64_t>("budget/chip_index").data.size(), 3u);
  EXPECT_EQ(f.open_group("budget").int_attribute("n_images"), 30);
  EXPECT_NE(f.string_attribute("config_toml").find("c2c-sigma = 0.2"), std::string::npos);
  // `xbarmc run` with the [budget] section runs the same budget.
  const CliRun via_run = run("run " + file("cfg/study.toml") + " --quiet");
  ASSERT_EQ(via_run.status, 0) << via_run.err;
  EXPECT_EQ(h5::File::open(out).open_group("budget").int_attribute("n_images"), 40);
  EXPECT_FALSE(fs::exists(file("cfg/out/results.h5")));  // the budget, not the mc study
  // Two commands for one study is a one-line error.
  std::ofstream(file("cfg/two.toml"))
      << "[train]\nout = \"" << file("cfg/model.h5")
      << "\"\n[mc]\nchips = 3\n[budget]\nchips = 2\n[drift]\nchips = 2\n";
  const CliRun two = run("run " + file("cfg/two.toml") + " --quiet");
  EXPECT_EQ(two.status, 2) << two.err;
  EXPECT_NE(two.err.find("[drift] and [budget]"), std::string::npos) << two.err;
}

TEST_F(BudgetCli, NetworkOnArraysHasAnArrayToArrayRow) {
  ASSERT_EQ(run("train --quiet --hidden 8 --bias --epochs 3 --data-dir " + data() + " --out " +
                file("net.h5"))
                .status,
            0);
  const std::string out = file("net_budget.h5");
  const CliRun r = run("budget --model " + file("net.h5") + " --data-dir " + data() +
                       " --chips 4 --images 40 --timesteps 8 --a2a-sigma 0.2 --c2c-sigma 0.2 "
                       "--array-rows 24 --array-cols 6 --quiet --out " +
                       out);
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  const std::vector<std::string> same = f.read_strings("budget/row/same_as");
  const std::vector<std::string> names = row_names(f);
  const std::size_t a2a =
      static_cast<std::size_t>(std::find(names.begin(), names.end(), "a2a") - names.begin());
  EXPECT_EQ(same.at(a2a), "");  // a study of its own
  EXPECT_EQ(f.open_group("budget").int_attribute("studies"), 3);
  EXPECT_NE(row_accuracy(f, "a2a"), row_accuracy(f, "nominal"));
}

TEST_F(BudgetCli, BadInputExitsTwoWithOneLineAndNoFile) {
  const std::string out = file("bad.h5");
  const struct {
    std::string args, named;
  } cases[] = {
      {" --c2c-sigma -0.1", "--c2c-sigma"},
      {" --chips-from 2", "--chips-from"},
      {" --yield-spec nominal-2xx", "nominal-2xx"},
      {" --times 1,soon", "soon"},
      {" --images 100000", "--images"},
  };
  for (const auto& c : cases) {
    const CliRun r = run("budget" + study() + device() + c.args + " --out " + out);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(out + ".runs")) << c.args;
  }
  for (const std::string& inputs : {" --model " + file("missing.h5") + " --data-dir " + data(),
                                    " --model " + model() + " --data-dir " + file("nowhere")}) {
    const CliRun r = run("budget" + inputs + device() + " --quiet --out " + out);
    EXPECT_EQ(r.status, 2) << inputs << ": " << r.err;
    EXPECT_NE(r.err.find(inputs.find("missing") != std::string::npos ? "missing.h5" : "nowhere"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".runs"));
  }
  const CliRun folder = run("budget" + study() + " --out " + file("no/such/folder.h5"));
  EXPECT_EQ(folder.status, 2) << folder.err;
  EXPECT_NE(folder.err.find("no/such"), std::string::npos) << folder.err;
  const CliRun no_out = run("budget" + study());
  EXPECT_EQ(no_out.status, 2) << no_out.err;
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;
}

}  // namespace
}  // namespace xbarmc
