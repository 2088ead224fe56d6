// `xbarmc run CONFIG` end to end: [train] into a model cache that is reused while
// its keys stay the same, [mc] through the mc command, presets via `include` with
// the study's own keys taking precedence, and config errors → exit 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
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

// A study config on the generated data in `dir`; `epochs` is a [train] key.
std::string study_config(const TempDir& dir, int epochs, const std::string& extra_mc = "") {
  std::ostringstream t;
  t << "include = [\"preset.toml\"]\n\n"
    << "[train]\n"
    << "data-dir = \"" << dir.path().string() << "\"\n"
    << "epochs = " << epochs << "\n"
    << "out = \"" << dir.file("cache/model.h5") << "\"\n\n"
    << "[mc]\n"
    << "data-dir = \"" << dir.path().string() << "\"\n"
    << "chips = 6\n"
    << "images = 40\n"
    << "times = [1, 3600]\n"
    << "read-sigma = 0.2\n"
    << "yield-spec = [\"nominal-5pp\"]\n"
    << "out = \"" << dir.file("results/study.h5") << "\"\n"
    << extra_mc;
  return t.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(RunCli, TrainsThenReusesTheCachedModel) {
  TempDir dir("run_cli");
  testing_data::write_idx_set(dir, 300, 60, false);
  write_file(dir.file("preset.toml"),
             "[train]\nweight-bits = 3\n\n[mc]\nc2c-sigma = 0.2\nread-sigma = 0.9\n");
  write_file(dir.file("study.toml"), study_config(dir, 4));

  const CliRun first = run_xbarmc(dir, "run --quiet " + dir.file("study.toml"));
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_TRUE(fs::exists(dir.file("cache/model.h5")));
  ASSERT_TRUE(fs::exists(dir.file("results/study.h5")));
  EXPECT_NE(first.out.find("checksum of correct counts"), std::string::npos) << first.out;
  {
    const h5::File f = h5::File::open(dir.file("results/study.h5"));
    const std::string toml = f.string_attribute("config_toml");
    EXPECT_NE(toml.find("c2c-sigma = 0.2"), std::string::npos) << toml;   // from the preset
    EXPECT_NE(toml.find("read-sigma = 0.2"), std::string::npos) << toml;  // study overrides it
    EXPECT_EQ(f.read<std::uint32_t>("mc/correct").shape, (h5::Shape{2, 6}));
    EXPECT_EQ(h5::File::open(dir.file("cache/model.h5")).int_attribute("weight_bits"), 3);
  }
  const auto trained_at = fs::last_write_time(dir.file("cache/model.h5"));

  // Same [train] keys: the cache is reused (not rewritten) and the study reruns.
  const CliRun second = run_xbarmc(dir, "run " + dir.file("study.toml"));
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.out.find("reusing"), std::string::npos) << second.out;
  EXPECT_EQ(fs::last_write_time(dir.file("cache/model.h5")), trained_at);

  // Another [train] key: trained again.
  write_file(dir.file("study.toml"), study_config(dir, 5));
  const CliRun third = run_xbarmc(dir, "run " + dir.file("study.toml"));
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_EQ(third.out.find("reusing"), std::string::npos) << third.out;
  EXPECT_NE(third.out.find("training"), std::string::npos) << third.out;
}

TEST(RunCli, ConfigErrorsExitTwoNamingTheProblem) {
  TempDir dir("run_cli_bad");
  testing_data::write_idx_set(dir, 120, 20, false);
  write_file(dir.file("preset.toml"), "[mc]\nc2c-sigma = 0.1\n");

  write_file(dir.file("stray.toml"), "chips = 3\n" + study_config(dir, 2));
  CliRun r = run_xbarmc(dir, "run " + dir.file("stray.toml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("'chips'"), std::string::npos) << r.err;

  write_file(dir.file("badkey.toml"), study_config(dir, 2, "c2c-sigmaa = 0.1\n"));
  r = run_xbarmc(dir, "run " + dir.file("badkey.toml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("c2c-sigmaa"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("results/study.h5")));

  write_file(dir.file("negative.toml"), study_config(dir, 2, "c2c-model = \"weird\"\n"));
  r = run_xbarmc(dir, "run " + dir.file("negative.toml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("weird"), std::string::npos) << r.err;

  write_file(dir.file("noinclude.toml"), "include = [\"missing.toml\"]\n[mc]\nchips = 1\n");
  r = run_xbarmc(dir, "run " + dir.file("noinclude.toml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing.toml"), std::string::npos) << r.err;

  r = run_xbarmc(dir, "run " + dir.file("does_not_exist.toml"));
  EXPECT_EQ(r.status, 2);
}

// The run's own --threads is checked before anything is trained (a negative value used
// to be ignored).
TEST(RunCli, RunThreadsAreCheckedBeforeTraining) {
  TempDir dir("run_cli_threads");
  testing_data::write_idx_set(dir, 120, 20, false);
  write_file(dir.file("preset.toml"), "[mc]\nc2c-sigma = 0.1\n");
  write_file(dir.file("study.toml"), study_config(dir, 2));
  for (const std::string threads : {"-5", "100000", "two"}) {
    const CliRun r = run_xbarmc(dir, "run " + dir.file("study.toml") + " --threads " + threads);
    EXPECT_EQ(r.status, 2) << threads;
    EXPECT_NE(r.err.find("--threads " + threads), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("cache/model.h5"))) << threads;
    EXPECT_FALSE(fs::exists(dir.file("results/study.h5"))) << threads;
  }
}

}  // namespace
}  // namespace xbarmc
