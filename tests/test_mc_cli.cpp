// `xbarmc mc` end to end on a tiny generated data set and model: the results file's
// layout, results independent of thread count, batch size and interruption
// (--stop-after-batches and a real SIGINT, then --resume), and bad input → exit 2
// with one line and no output or partial file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "same_results.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::Damage;
using testing_cli::damage_hdf5;
using testing_cli::expect_same_mc_results;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

class McCli : public ::testing::Test {
 protected:
  // One data set and model for the whole suite: 600 training-file images (500
  // train, 100 val) and 120 test images; a few epochs suffice on these blocks.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("mc_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("train --quiet --epochs 6 --data-dir " + data() + " --out " + model());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string model() { return dir_->file("model.h5"); }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  // A study with enough variation that chips differ: 15 chips, two times.
  static std::string study(const std::string& out) {
    return "mc --model " + model() + " --data-dir " + data() +
           " --chips 15 --times 1,86400 --c2c-sigma 0.6 --read-sigma 0.3 --nu-mean 0.05 "
           "--nu-std 0.05 --p-stuck-off 0.05 --yield-spec 0.9,float-2pp --timesteps 8 --quiet "
           "--out " +
           out;
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> McCli::dir_;

TEST_F(McCli, WritesTheDocumentedResultsLayout) {
  const std::string out = file("layout.h5");
  const CliRun r = run(study(out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("checksum of correct counts"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out + ".partial"));
  const h5::File f = h5::File::open(out);
  for (const char* attr : {"version", "git_describe", "command_line", "config_toml", "backend",
                           "device_name", "created_utc", "study"}) {
    EXPECT_TRUE(f.has_attribute(attr)) << attr;
  }
  EXPECT_EQ(f.string_attribute("study"), "mc");
  EXPECT_EQ(f.string_attribute("backend"), "cpu");
  EXPECT_NE(f.string_attribute("config_toml").find("c2c-sigma = 0.6"), std::string::npos);
  const h5::Group mc = f.open_group("mc");
  EXPECT_EQ(mc.int_attribute("n_images"), 120);
  EXPECT_EQ(mc.string_attribute("split"), "test");

  const h5::Array<std::uint32_t> correct = f.read<std::uint32_t>("mc/correct");
  ASSERT_EQ(correct.shape, (h5::Shape{2, 15}));
  const h5::Array<double> acc = f.read<double>("mc/accuracy");
  for (std::size_t i = 0; i < correct.data.size(); ++i) {
    EXPECT_EQ(acc.data[i], correct.data[i] / 120.0);
  }
  EXPECT_EQ(f.read<std::uint64_t>("mc/chip_index").data.back(), 14u);
  EXPECT_EQ(f.read<double>("mc/times").data, (std::vector<double>{1.0, 86400.0}));
  // Chips differ (the study is not degenerate) and the summary is the accuracies'.
  const std::vector<double> t0(acc.data.begin(), acc.data.begin() + 15);
  EXPECT_GT(*std::max_element(t0.begin(), t0.end()), *std::min_element(t0.begin(), t0.end()));
  const double mean = std::accumulate(t0.begin(), t0.end(), 0.0) / 15.0;
  EXPECT_NEAR(f.read<double>("mc/summary/mean").data[0], mean, 1e-12);
  EXPECT_EQ(f.read<double>("mc/summary/min").data[0], *std::min_element(t0.begin(), t0.end()));
  // Yield of the absolute spec 0.9 at time 0 counts the chips at ≥ 90 %.
  EXPECT_EQ(f.read_strings("mc/yield/spec"), (std::vector<std::string>{"0.9", "float-2pp"}));
  const double good =
      static_cast<double>(std::count_if(t0.begin(), t0.end(), [](double a) { return a >= 0.9; }));
  const h5::Array<double> fraction = f.read<double>("mc/yield/fraction");
  ASSERT_EQ(fraction.shape, (h5::Shape{2, 2}));
  EXPECT_EQ(fraction.data[0], good / 15.0);
  const h5::Array<double> low = f.read<double>("mc/yield/wilson_low");
  const h5::Array<double> high = f.read<double>("mc/yield/wilson_high");
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_LE(low.data[i], fraction.data[i]);
    EXPECT_GE(high.data[i], fraction.data[i]);
  }
  const double float_acc = f.read<double>("reference/float_accuracy").data.at(0);
  EXPECT_NEAR(f.read<double>("mc/yield/threshold").data[1], float_acc - 0.02, 1e-12);
  EXPECT_EQ(f.read<std::int32_t>("mapping/levels_neg").shape, (h5::Shape{64, 10}));
  EXPECT_EQ(f.read<double>("mapping/g_target").shape, (h5::Shape{64, 20}));
}

// The analysis package (h5py) reads what xbarmc writes: fixed-length strings
// arrive as bytes and are decoded to str.
TEST_F(McCli, AnalysisReadsTheResultsFileStrings) {
  if (std::system("python3 -c 'import h5py, numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with h5py not available";
  }
  const std::string out = file("for_analysis.h5");
  ASSERT_EQ(run(study(out)).status, 0);
  const std::string script =
      "import sys\n"
      "sys.path.insert(0, sys.argv[1])\n"
      "from xbarmc_analysis import io\n"
      "r = io.load(sys.argv[2])\n"
      "g = r.groups['mc']\n"
      "assert r.study == 'mc' and r.root['backend'] == 'cpu', r.root\n"
      "assert g.split == 'test' and g.yields.spec == ['0.9', 'float-2pp'], (g.split, g.yields)\n"
      "assert 'c2c-sigma = 0.6' in r.root['config_toml']\n";
  std::ofstream(file("check_analysis.py")) << script;
  const std::string cmd = "python3 " + file("check_analysis.py") + " " +
                          std::string(XBARMC_SOURCE_DIR) + "/analysis " + out;
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST_F(McCli, IdealChipsAllMatchTheNominalChip) {
  // No variation, drift or noise: every chip is the nominal chip, at every time.
  const std::string out = file("ideal.h5");
  const CliRun r = run("mc --model " + model() + " --data-dir " + data() +
                       " --chips 4 --times 1,1e6 --quiet --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  const double nominal = f.read<double>("reference/nominal_accuracy").data.at(0);
  for (double a : f.read<double>("mc/accuracy").data) EXPECT_EQ(a, nominal);
  EXPECT_EQ(f.read<double>("mc/summary/std").data, (std::vector<double>{0.0, 0.0}));
}

TEST_F(McCli, StoredConfigReproducesTheStudy) {
  // The file's config_toml is a valid --config for mc and gives the same results.
  const std::string first = file("first.h5"), again = file("again.h5");
  ASSERT_EQ(run(study(first)).status, 0);
  std::ofstream(file("stored.toml")) << h5::File::open(first).string_attribute("config_toml");
  const CliRun r = run("mc --config " + file("stored.toml") + " --quiet --out " + again);
  ASSERT_EQ(r.status, 0) << r.err;
  expect_same_mc_results(first, again);
}

TEST_F(McCli, OneAndTwoThreadsGiveIdenticalResults) {
  const CliRun one = run(study(file("t1.h5")) + " --threads 1");
  ASSERT_EQ(one.status, 0) << one.err;
  const CliRun two = run(study(file("t2.h5")) + " --threads 2");
  ASSERT_EQ(two.status, 0) << two.err;
  expect_same_mc_results(file("t1.h5"), file("t2.h5"));
}

TEST_F(McCli, BatchSizeDoesNotChangeResults) {
  ASSERT_EQ(run(study(file("b3.h5")) + " --batch 3").status, 0);
  ASSERT_EQ(run(study(file("b7.h5")) + " --batch 7").status, 0);
  expect_same_mc_results(file("b3.h5"), file("b7.h5"));
}

TEST_F(McCli, StoppedThenResumedEqualsStraightRun) {
  const std::string straight = file("straight.h5"), resumed = file("resumed.h5");
  ASSERT_EQ(run(study(straight)).status, 0);
  const CliRun stopped = run(study(resumed) + " --batch 4 --stop-after-batches 2");
  EXPECT_EQ(stopped.status, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("--resume"), std::string::npos) << stopped.err;
  EXPECT_FALSE(fs::exists(resumed));
  ASSERT_TRUE(fs::exists(resumed + ".partial"));
  EXPECT_EQ(h5::File::open(resumed + ".partial").int_attribute("chips_done"), 8);

  // Without --resume the partial file is not silently thrown away.
  const CliRun again = run(study(resumed));
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find(".partial"), std::string::npos) << again.err;

  const CliRun done = run(study(resumed) + " --batch 5 --resume");
  ASSERT_EQ(done.status, 0) << done.err;
  EXPECT_FALSE(fs::exists(resumed + ".partial"));
  expect_same_mc_results(straight, resumed);
}

TEST_F(McCli, ResumeRefusesAStudyWithOtherSettings) {
  const std::string out = file("other.h5");
  ASSERT_EQ(run(study(out) + " --batch 4 --stop-after-batches 1").status, 130);
  const CliRun r = run(study(out) + " --resume --seed 7");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("seed"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out + ".partial"));  // kept for a correct resume
  EXPECT_FALSE(fs::exists(out));
}

// The contract for HDF5 files handed back to xbarmc: a damaged OUT.partial
// or model (cut short, or a byte flipped in its checksummed metadata) exits 2 with
// one line naming the file, and writes no results file.
TEST_F(McCli, DamagedPartialFileOrModelExitsTwoNamingIt) {
  for (const Damage how : {Damage::kTruncated, Damage::kFlipped}) {
    const std::string out = file("damaged.h5"), partial = out + ".partial";
    fs::remove(partial);
    ASSERT_EQ(run(study(out) + " --batch 4 --stop-after-batches 1").status, 130);
    ASSERT_TRUE(damage_hdf5(partial, how));
    const CliRun r = run(study(out) + " --resume");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(partial), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));

    const std::string bad_model = file("damaged_model.h5"), out2 = file("from_damaged.h5");
    fs::copy_file(model(), bad_model, fs::copy_options::overwrite_existing);
    ASSERT_TRUE(damage_hdf5(bad_model, how));
    const CliRun m = run("mc --model " + bad_model + " --data-dir " + data() +
                         " --chips 3 --quiet --out " + out2);
    EXPECT_EQ(m.status, 2) << m.err;
    EXPECT_EQ(std::count(m.err.begin(), m.err.end(), '\n'), 1) << m.err;
    EXPECT_NE(m.err.find(bad_model), std::string::npos) << m.err;
    EXPECT_FALSE(fs::exists(out2));
    EXPECT_FALSE(fs::exists(out2 + ".partial"));
  }
}

// Starts `xbarmc args` (which writes `out`), waits until its partial file exists and
// some batches have landed, sends `signal` and returns the raw wait status.
int run_until_signalled(const std::string& args, const std::string& out, int signal) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDOUT_FILENO);
    ::dup2(devnull, STDERR_FILENO);
    const std::string cmd = "exec " + std::string(XBARMC_BINARY) + " " + args;
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out + ".partial") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(pid, signal);
  int raw = 0;
  return ::waitpid(pid, &raw, 0) == pid ? raw : -1;
}

TEST_F(McCli, SigintLeavesAResumablePartialFile) {
  const std::string out = file("sigint.h5");
  // Far more chips than finish before the signal, one per batch.
  const std::string common =
      "mc --model " + model() + " --data-dir " + data() + " --c2c-sigma 0.3 --threads 1 --quiet";
  const std::string args = common + " --chips 1000000 --batch 1 --out " + out;
  const int raw = run_until_signalled(args, out, SIGINT);
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 130);
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(out + ".partial"));
  const std::int64_t done = h5::File::open(out + ".partial").int_attribute("chips_done");
  ASSERT_GT(done, 0);
  ASSERT_LT(done, 1000000);

  // The recorded chips are exactly those of a straight run of that many chips
  // (a chip's result depends only on its index).
  const std::string prefix = file("sigint_prefix.h5");
  ASSERT_EQ(run(common + " --chips " + std::to_string(done) + " --out " + prefix).status, 0);
  const std::vector<std::uint32_t> want =
      h5::File::open(prefix).read<std::uint32_t>("mc/correct").data;
  const std::vector<std::uint32_t> got =
      h5::File::open(out + ".partial").read<std::uint32_t>("mc/correct").data;
  ASSERT_GE(got.size(), want.size());
  EXPECT_EQ(std::vector<std::uint32_t>(got.begin(), got.begin() + static_cast<long>(want.size())),
            want);

  // --resume picks it up where it stopped (stopped again after one more batch).
  const CliRun more = run(args + " --resume --stop-after-batches 1");
  EXPECT_EQ(more.status, 130) << more.err;
  EXPECT_EQ(h5::File::open(out + ".partial").int_attribute("chips_done"), done + 1);
}

// A run killed without warning (SIGKILL: out of memory, a lost node) never closes
// its partial file, which still records "open for writing": --resume goes on from
// the last batch that was flushed.
TEST_F(McCli, SigkillLeavesAResumablePartialFile) {
  const std::string out = file("sigkill.h5");
  const std::string args = "mc --model " + model() + " --data-dir " + data() +
                           " --c2c-sigma 0.3 --threads 1 --quiet --chips 1000000 --batch 1 --out " +
                           out;
  const int raw = run_until_signalled(args, out, SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(raw));
  ASSERT_TRUE(fs::exists(out + ".partial"));
  const std::int64_t done = h5::File::open(out + ".partial").int_attribute("chips_done");
  ASSERT_GT(done, 0);
  const CliRun more = run(args + " --resume --stop-after-batches 1");
  EXPECT_EQ(more.status, 130) << more.err;
  EXPECT_EQ(h5::File::open(out + ".partial").int_attribute("chips_done"), done + 1);
}

TEST_F(McCli, BadInputExitsTwoWithoutAnyFile) {
  const std::string out = file("bad.h5");
  const std::string base =
      "mc --model " + model() + " --data-dir " + data() + " --chips 3 --out " + out;
  const struct {
    std::string args, named;  // extra arguments and what the message must name
  } cases[] = {
      {" --c2c-model weird", "weird"},
      {" --scheme C", "C"},
      {" --c2c-sigma -0.1", "--c2c-sigma"},
      {" --read-sigma -1", "--read-sigma"},
      {" --p-stuck-on 1.5", "--p-stuck-on"},
      {" --p-stuck-off -0.2", "--p-stuck-off"},
      {" --times ''", "--times"},
      {" --yield-spec fast-1pp", "fast-1pp"},
      {" --full-scale huge", "huge"},
      {" --threshold-ratio -2", "-2"},
      {" --split train", "train"},
      {" --images 100000", "100000"},
      {" --backend tpu", "tpu"},
  };
  for (const auto& c : cases) {
    const CliRun r = run(base + c.args);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(out + ".partial")) << c.args;
  }
  // Unreadable models: missing, and not HDF5.
  std::ofstream(file("not_a_model.h5")) << "hello\n";
  for (const std::string& bad : {file("missing.h5"), file("not_a_model.h5")}) {
    const CliRun r = run("mc --model " + bad + " --data-dir " + data() + " --chips 3 --out " + out);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out + ".partial"));
  }
  const CliRun r = run(base + " --resume");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("nothing to resume"), std::string::npos) << r.err;
}

// The limits the engines enforce are checked with the settings, before any file exists
// (issue 12 §3: this command used to fail with "internal error", exit 1, and leave
// OUT.partial): chip indices are 32-bit stream keys, and OpenMP cannot start any number
// of threads. Negative values of unsigned options are refused as given, not wrapped.
TEST_F(McCli, ValuesBeyondTheEngineLimitsExitTwoBeforeAnyFile) {
  const std::string out = file("limits.h5");
  const std::string base = "mc --model " + model() + " --data-dir " + data() + " --images 20";
  const struct {
    std::string args, named;
  } cases[] = {
      {" --chips 5000000000 --chips-from 4294967290 --chips-to 4294967300", "--chips 5000000000"},
      {" --chips 4294967297 --chips-from 4294967295", "--chips 4294967297"},
      {" --chips -1", "'-1'"},
      {" --chips 5 --chips-from -2", "'-2'"},
      {" --chips 5 --chips-to -3", "'-3'"},
      {" --chips 5 --batch -1", "'-1'"},
      {" --chips 5 --seed -1", "'-1'"},
      {" --chips 5 --threads 100000", "--threads 100000"},
      {" --chips 5 --threads -1", "--threads -1"},
  };
  for (const auto& c : cases) {
    const CliRun r = run(base + c.args + " --out " + out);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(out + ".partial")) << c.args;
  }
  // Read-noise normals are numbered (time·T + t)·n_cols + column, a 32-bit counter:
  // 52 429 times of 4096 steps on 20 columns are 2^32 + 36 864 of them, one time fewer fits.
  std::ostringstream times;
  times << "times = [1";
  for (int t = 2; t <= 52429; ++t) times << ", " << t;
  std::ofstream(file("many_times.toml")) << times.str() << "]\n";
  const CliRun many = run(base + " --chips 1 --config " + file("many_times.toml") +
                          " --timesteps 4096 --read-sigma 0.1 --out " + out);
  EXPECT_EQ(many.status, 2) << many.err;
  EXPECT_NE(many.err.find("--times: 52429 times x 4096 timesteps x 20 columns"), std::string::npos)
      << many.err;
  EXPECT_FALSE(fs::exists(out + ".partial"));
  // The last chip index, 2^32 − 1, is a chip like any other.
  const CliRun last =
      run(base + " --chips 4294967296 --chips-from 4294967295 --quiet --out " + out);
  ASSERT_EQ(last.status, 0) << last.err;
  EXPECT_EQ(h5::File::open(out).read<std::uint64_t>("mc/chip_index").data,
            (std::vector<std::uint64_t>{4294967295u}));
}

}  // namespace
}  // namespace xbarmc
