// `kill` and a second Ctrl-C during `xbarmc mc` (study/interrupt.hpp): SIGTERM, like the
// first SIGINT, finishes the batch in flight, keeps OUT.partial and exits 130, and
// --resume then ends with the straight run's results and checksum; a second SIGINT
// ends the process at once by the signal's default action, and the batches recorded
// before it are valid: they are the straight run's, and --resume completes the study.
// (The first SIGINT alone, and SIGKILL, are in test_mc_cli.cpp.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "same_results.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::expect_same_mc_results;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

// A started xbarmc, its stderr going to a file that the test reads while it runs.
class Running {
 public:
  Running(const std::string& args, const std::string& err_path) : err_path_(err_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int devnull = ::open("/dev/null", O_WRONLY);
      const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(devnull, STDOUT_FILENO);
      ::dup2(err, STDERR_FILENO);
      const std::string cmd = "exec " + std::string(XBARMC_BINARY) + " " + args;
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Running() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

  bool started() const { return pid_ > 0; }

  // Waits (at most a minute) until stderr holds `n` progress lines, one per recorded
  // batch with --progress-interval 0 (each written after its batch is flushed).
  bool wait_for_progress_lines(int n) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string err = slurp(err_path_);
      int lines = 0;
      for (std::size_t at = err.find("progress: "); at != std::string::npos;
           at = err.find("progress: ", at + 1))
        ++lines;
      if (lines >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  void signal(int sig) const { ::kill(pid_, sig); }

  // The raw wait status.
  int wait() {
    int raw = 0;
    waited_ = ::waitpid(pid_, &raw, 0) == pid_;
    return waited_ ? raw : -1;
  }

 private:
  std::string err_path_;
  pid_t pid_ = -1;
  bool waited_ = false;
};

class InterruptCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("interrupt_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run_xbarmc(*dir_, "train --quiet --epochs 6 --data-dir " + data() + " --out " +
                                           dir_->file("model.h5"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string file(const std::string& name) { return dir_->file(name); }

  // A study of `chips` chips in batches of `batch` on one thread; progress lines go to
  // stderr after every batch.
  static std::string study(const std::string& out, int chips, int batch) {
    return "mc --model " + file("model.h5") + " --data-dir " + data() +
           " --c2c-sigma 0.3 --read-sigma 0.1 --times 1,3600 --threads 1 --progress-interval 0"
           " --chips " +
           std::to_string(chips) + " --batch " + std::to_string(batch) + " --out " + out;
  }

  static std::string checksum_line(const std::string& out) {
    const std::size_t at = out.find("checksum of correct counts");
    return at == std::string::npos ? "" : out.substr(at, out.find('\n', at) - at);
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> InterruptCli::dir_;

TEST_F(InterruptCli, SigtermFinishesTheBatchKeepsThePartialFileAndResumes) {
  const std::string out = file("term.h5"), straight = file("term_straight.h5");
  constexpr int kChips = 400, kBatch = 20;
  Running run(study(out, kChips, kBatch), file("term_err.txt"));
  ASSERT_TRUE(run.started());
  ASSERT_TRUE(run.wait_for_progress_lines(2)) << slurp(file("term_err.txt"));
  run.signal(SIGTERM);
  const int raw = run.wait();
  const std::string err = slurp(file("term_err.txt"));
  ASSERT_TRUE(WIFEXITED(raw)) << err;
  EXPECT_EQ(WEXITSTATUS(raw), 130) << err;
  EXPECT_NE(err.find("interrupted after"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(out + ".partial"));
  // Whole batches only: the one in flight was finished, not cut.
  const std::int64_t done = h5::File::open(out + ".partial").int_attribute("chips_done");
  EXPECT_GE(done, 2 * kBatch);
  EXPECT_LT(done, kChips);
  EXPECT_EQ(done % kBatch, 0);

  const CliRun resumed = run_xbarmc(*dir_, study(out, kChips, kBatch) + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  const CliRun whole = run_xbarmc(*dir_, study(straight, kChips, kBatch));
  ASSERT_EQ(whole.status, 0) << whole.err;
  ASSERT_NE(checksum_line(whole.out), "") << whole.out;
  EXPECT_EQ(checksum_line(resumed.out), checksum_line(whole.out));
  expect_same_mc_results(out, straight);
}

TEST_F(InterruptCli, SecondSigintStopsAtOnceAndTheRecordedBatchesStayValid) {
  const std::string out = file("twice.h5"), straight = file("twice_straight.h5");
  // Batches long enough (hundreds of chips) that both signals land inside one.
  constexpr int kChips = 3000, kBatch = 300;
  Running run(study(out, kChips, kBatch), file("twice_err.txt"));
  ASSERT_TRUE(run.started());
  ASSERT_TRUE(run.wait_for_progress_lines(1)) << slurp(file("twice_err.txt"));
  run.signal(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  run.signal(SIGINT);
  const auto signalled = std::chrono::steady_clock::now();
  const int raw = run.wait();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  const std::string err = slurp(file("twice_err.txt"));
  // Ended by SIGINT itself (the default action), not by finishing the batch.
  ASSERT_TRUE(WIFSIGNALED(raw)) << err;
  EXPECT_EQ(WTERMSIG(raw), SIGINT);
  EXPECT_EQ(err.find("interrupted after"), std::string::npos) << err;
  EXPECT_LT(seconds, 5.0);
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(out + ".partial"));

  // The partial file opens and holds whole batches, equal to the straight run's chips.
  const CliRun whole = run_xbarmc(*dir_, study(straight, kChips, kBatch) + " --quiet");
  ASSERT_EQ(whole.status, 0) << whole.err;
  std::int64_t done = 0;
  {
    const h5::File partial = h5::File::open(out + ".partial");
    done = partial.int_attribute("chips_done");
    EXPECT_GE(done, kBatch);
    EXPECT_LT(done, kChips);
    EXPECT_EQ(done % kBatch, 0);
    const h5::Array<std::uint32_t> got = partial.read<std::uint32_t>("mc/correct");
    const h5::Array<std::uint32_t> want =
        h5::File::open(straight).read<std::uint32_t>("mc/correct");
    ASSERT_EQ(got.shape, want.shape);
    for (std::size_t time = 0; time < 2; ++time) {
      for (std::int64_t chip = 0; chip < done; ++chip) {
        const std::size_t at = time * kChips + static_cast<std::size_t>(chip);
        ASSERT_EQ(got.data[at], want.data[at]) << "time " << time << ", chip " << chip;
      }
    }
  }
  const CliRun resumed = run_xbarmc(*dir_, study(out, kChips, kBatch) + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("at chip " + std::to_string(done)), std::string::npos) << resumed.err;
  EXPECT_EQ(checksum_line(resumed.out), checksum_line(whole.out));
  expect_same_mc_results(out, straight);
}

}  // namespace
}  // namespace xbarmc
