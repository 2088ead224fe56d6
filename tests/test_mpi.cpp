// `mpirun -n 2 xbarmc mc|drift|sweep` (DESIGN §6) on this machine: the two ranks split
// every batch of chips and rank 0 writes one file equal to a single-process run's, also
// for a shard, for batches that do not split evenly, for both modes of a drift study
// and for every mc run of a sweep; `train`, `run CONFIG` and `merge` do their work and
// write their files once, on rank 0, equal to one process's, while rank 1 prints
// nothing; bad settings fail once with exit 2 and no file. A binary built without
// MPI refuses to run under mpirun. Skipped (with a message) where mpirun is not
// installed.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "common/errors.hpp"
#include "io/h5.hpp"
#include "mpi/mpi_wire.hpp"
#include "mpi/rank_share.hpp"
#include "same_results.hpp"
#include "study/mc_config.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::expect_same_drift_results;
using testing_cli::expect_same_mc_results;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

bool have_mpirun() {
  return std::system("command -v mpirun >/dev/null 2>&1") == 0;
}

// OpenMPI refuses root without --allow-run-as-root and more ranks than cores without
// --oversubscribe; containers often forbid the cross-memory attach of its shared-memory
// transport. All three are harmless otherwise.
const char* const kMpirun =
    "mpirun --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none -n 2 ";

class Mpi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_mpirun()) return;
    dir_ = std::make_unique<TempDir>("mpi");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("", "train --quiet --epochs 6 --data-dir " + data() + " --out " + model());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override {
    if (!have_mpirun()) GTEST_SKIP() << "mpirun not found (install openmpi-bin): MPI tests skipped";
  }

  static std::string data() { return dir_->path().string(); }
  static std::string model() { return dir_->file("model.h5"); }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static CliRun run(const std::string& launcher, const std::string& args) {
    return run_xbarmc(*dir_, args, launcher);
  }

  static std::string study(const std::string& out, const std::string& extra = "") {
    return "mc --model " + model() + " --data-dir " + data() +
           " --chips 13 --times 1,86400 --c2c-sigma 0.6 --read-sigma 0.3 --nu-mean 0.05 "
           "--nu-std 0.05 --p-stuck-off 0.05 --yield-spec 0.9,float-2pp --timesteps 8 --quiet "
           "--threads 1 --out " +
           out + " " + extra;
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> Mpi::dir_;

TEST(MpiWire, ConfigRoundTripsThroughBytes) {
  study::McConfig c;
  c.model_path = "m.h5";
  c.data_dir = "";
  c.chips = 1234567890123ull;
  c.chips_from = 7;
  c.chips_to = 99;
  c.split = "val";
  c.images = -3;
  c.times_s = {1.0, 3600.5, 1e300};
  c.seed = 42;
  c.yield_specs = {"0.9", "", "float-1pp"};
  c.device.d2d_sigma = 0.125;
  c.device.ir_drop = IrDropModel::kNodal;
  c.readout.scheme = Scheme::kB;
  c.readout.adc_bits = 5;
  c.neuron.leak = 0.75;
  c.full_scale = "1e-5";
  c.threshold_ratio = "0.5";
  c.out_path = "out dir/x.h5";
  c.threads = 3;
  c.backend = "cpu";
  c.batch_chips = 17;
  c.quiet = true;
  c.print_summary = false;
  c.resume = true;
  c.progress_interval_s = 2.5;
  c.stop_after_batches = 4;
  const std::string bytes = study::mpi::serialize_config(c);
  const study::McConfig d = study::mpi::deserialize_config(bytes);
  // Every result-defining field (the study key) and every run setting.
  EXPECT_EQ(study::full_toml(d, "x"), study::full_toml(c, "x"));
  EXPECT_EQ(d.data_dir, c.data_dir);
  EXPECT_EQ(d.yield_specs, c.yield_specs);
  EXPECT_EQ(d.device.ir_drop, c.device.ir_drop);
  EXPECT_EQ(d.quiet, c.quiet);
  EXPECT_EQ(d.print_summary, c.print_summary);
  EXPECT_EQ(d.resume, c.resume);
  EXPECT_EQ(d.progress_interval_s, c.progress_interval_s);
  EXPECT_EQ(d.stop_after_batches, c.stop_after_batches);
  EXPECT_EQ(study::mpi::serialize_config(d), bytes);
  EXPECT_THROW(study::mpi::deserialize_config(bytes.substr(0, bytes.size() - 1)), InternalError);
  EXPECT_THROW(study::mpi::deserialize_config(bytes + "x"), InternalError);
}

TEST(MpiShare, RanksTileTheRoundContiguously) {
  for (int ranks : {1, 2, 3, 7}) {
    for (std::uint64_t n : {0u, 1u, 2u, 5u, 13u, 4096u}) {
      std::uint64_t next = 100;
      for (int r = 0; r < ranks; ++r) {
        const study::mpi::Share s = study::mpi::rank_share(100, 100 + n, r, ranks);
        EXPECT_EQ(s.begin, next);
        EXPECT_LE(s.end - s.begin, n / static_cast<std::uint64_t>(ranks) + 1);
        next = s.end;
      }
      EXPECT_EQ(next, 100 + n);
    }
  }
}

#ifdef XBARMC_WITH_MPI
TEST_F(Mpi, TwoRanksEqualOneProcess) {
  const std::string one = file("one.h5"), two = file("two.h5");
  ASSERT_EQ(run("", study(one)).status, 0);
  const CliRun r = run(kMpirun, study(two));
  ASSERT_EQ(r.status, 0) << r.err;
  // One summary table, from rank 0.
  const std::string marker = "checksum of correct counts";
  ASSERT_NE(r.out.find(marker), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(marker, r.out.find(marker) + 1), std::string::npos) << r.out;
  expect_same_mc_results(two, one);
  EXPECT_NE(h5::File::open(two).string_attribute("device_name").find("of 2 MPI ranks"),
            std::string::npos);
}

TEST_F(Mpi, TwoRanksRunAShardInUnevenBatches) {
  const std::string one = file("one_3_13.h5"), two = file("two_3_13.h5");
  ASSERT_EQ(run("", study(one, "--chips-from 3")).status, 0);
  // Rounds of 3 chips: rank 0 computes 1, rank 1 computes 2; the last round has 1 chip.
  const CliRun r = run(kMpirun, study(two, "--chips-from 3 --batch 3"));
  ASSERT_EQ(r.status, 0) << r.err;
  expect_same_mc_results(two, one);
}

// A network on arrays: every layer's I_fs and θ travel to the other rank with each round
// and the per-layer rows come back; rounds of 3 chips leave rank 0 one chip and rank 1
// two, the last round one chip (an empty share on rank 0).
TEST_F(Mpi, TwoRanksRunANetworkStudyAsOneProcess) {
  ASSERT_EQ(run("", "train --quiet --hidden 8 --bias --epochs 3 --data-dir " + data() + " --out " +
                        file("net.h5"))
                .status,
            0);
  const std::string args = "mc --model " + file("net.h5") + " --data-dir " + data() +
                           " --chips 7 --times 1,3600 --c2c-sigma 0.2 --a2a-sigma 0.1 "
                           "--read-sigma 0.05 --nu-mean 0.02 --array-rows 24 --array-cols 6 "
                           "--timesteps 8 --quiet --threads 1 --batch 3 --out ";
  ASSERT_EQ(run("", args + file("net_one.h5")).status, 0);
  const CliRun r = run(kMpirun, args + file("net_two.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  expect_same_mc_results(file("net_two.h5"), file("net_one.h5"));
}

TEST_F(Mpi, InterruptedMpiRunResumesInOneProcess) {
  const std::string one = file("one_full.h5"), two = file("two_stopped.h5");
  ASSERT_EQ(run("", study(one)).status, 0);
  const CliRun r = run(kMpirun, study(two, "--batch 4 --stop-after-batches 1"));
  EXPECT_EQ(r.status, 130) << r.err;
  ASSERT_TRUE(fs::exists(two + ".partial"));
  ASSERT_EQ(run("", study(two, "--batch 4 --resume")).status, 0);
  expect_same_mc_results(two, one);
}

TEST_F(Mpi, TwoRanksRunADriftStudyAsOneProcess) {
  const std::string args = "drift --model " + model() + " --data-dir " + data() +
                           " --chips 5 --times 1,86400 --c2c-sigma 0.6 --nu-mean 0.05 --nu-std "
                           "0.05 --images 60 --timesteps 8 --quiet --threads 1 --batch 2 --out ";
  const std::string one = file("drift_one.h5"), two = file("drift_two.h5");
  const CliRun r1 = run("", args + one);
  ASSERT_EQ(r1.status, 0) << r1.err;
  const CliRun r2 = run(kMpirun, args + two);
  ASSERT_EQ(r2.status, 0) << r2.err;
  // One table, from rank 0, and the same numbers.
  ASSERT_NE(r1.out.find("with global compensation"), std::string::npos) << r1.out;
  EXPECT_EQ(r2.out.substr(0, r2.out.find("wrote")), r1.out.substr(0, r1.out.find("wrote")));
  EXPECT_EQ(r2.out.find("wrote", r2.out.find("wrote") + 1), std::string::npos) << r2.out;
  expect_same_drift_results(two, one);
  const h5::File fb = h5::File::open(two);
  EXPECT_NE(fb.string_attribute("device_name").find("of 2 MPI ranks"), std::string::npos);
  EXPECT_FALSE(fs::exists(two + ".uncompensated"));

  // Interrupted under mpirun (every rank ends, status 130), resumed in one process.
  const std::string three = file("drift_three.h5");
  const CliRun r3 = run(kMpirun, args + three + " --stop-after-batches 1");
  EXPECT_EQ(r3.status, 130) << r3.err;
  ASSERT_TRUE(fs::exists(three + ".uncompensated.partial"));
  ASSERT_EQ(run("", args + three + " --resume").status, 0);
  expect_same_drift_results(three, one);
}

TEST_F(Mpi, TwoRanksRunASweepAsOneProcess) {
  // Two combinations; the models are trained once (shared cache) and then reused.
  const auto args = [&](const std::string& out) {
    return "sweep --data-dir " + data() + " --model-dir " + file("sweep_models") +
           " --method avg_8x8 --weight-bits 4 --scheme A,B --adc-bits 5 --timesteps 4"
           " --chips 3 --images 40 --test-chips 3 --test-images 40 --epochs 2 --c2c-sigma 0.3"
           " --yield-spec 0.5 --threads 1 --quiet --out " +
           out;
  };
  const CliRun r1 = run("", args(file("sweep_one.h5")));
  ASSERT_EQ(r1.status, 0) << r1.err;
  const CliRun r2 = run(kMpirun, args(file("sweep_two.h5")));
  ASSERT_EQ(r2.status, 0) << r2.err;
  // The table, the choices and the test checksums, printed once.
  ASSERT_NE(r1.out.find("checksums of the test counts"), std::string::npos) << r1.out;
  EXPECT_EQ(r2.out.substr(0, r2.out.find("wrote")), r1.out.substr(0, r1.out.find("wrote")));
  EXPECT_EQ(r2.out.find("wrote", r2.out.find("wrote") + 1), std::string::npos) << r2.out;
  const h5::File fa = h5::File::open(file("sweep_one.h5")),
                 fb = h5::File::open(file("sweep_two.h5"));
  EXPECT_EQ(fa.open_dataset("sweep/table").shape(), (h5::Shape{2}));
  EXPECT_NE(fb.string_attribute("device_name").find("of 2 MPI ranks"), std::string::npos);
  for (const char* name : {"sweep/test/best/correct", "sweep/test/recommendation/correct"}) {
    EXPECT_EQ(fa.read<double>(name).data, fb.read<double>(name).data) << name;
  }
}

// A sweep of a network on arrays: every mc run's per-layer ratios (test: val's list)
// travel to the other rank, and the test groups' network records are rank 0's.
TEST_F(Mpi, TwoRanksRunANetworkSweepAsOneProcess) {
  const auto args = [&](const std::string& out) {
    return "sweep --data-dir " + data() + " --model-dir " + file("net_sweep_models") +
           " --method avg_8x8 --hidden 8 --arrays 24x6 --bias --a2a-sigma 0.1 --scheme A,B"
           " --adc-bits 5 --timesteps 4 --chips 3 --images 40 --test-chips 3 --test-images 40"
           " --epochs 10 --c2c-sigma 0.2 --yield-spec 0.5 --threads 1 --quiet --out " +
           out;
  };
  const CliRun r1 = run("", args(file("net_sweep_one.h5")));
  ASSERT_EQ(r1.status, 0) << r1.err;
  const CliRun r2 = run(kMpirun, args(file("net_sweep_two.h5")));
  ASSERT_EQ(r2.status, 0) << r2.err;
  EXPECT_EQ(r2.out.substr(0, r2.out.find("wrote")), r1.out.substr(0, r1.out.find("wrote")));
  const h5::File fa = h5::File::open(file("net_sweep_one.h5")),
                 fb = h5::File::open(file("net_sweep_two.h5"));
  EXPECT_NE(fb.string_attribute("device_name").find("of 2 MPI ranks"), std::string::npos);
  for (const char* g : {"sweep/test/best", "sweep/test/recommendation"}) {
    const std::string group = g;
    for (const std::string name :
         {"/correct", "/layer_saturated", "/layer_spikes", "/reference/layers/0/threshold",
          "/reference/layers/1/i_fs_a", "/mapping/layers/0/g_target"}) {
      EXPECT_EQ(fa.read<double>(group + name).data, fb.read<double>(group + name).data)
          << group + name;
    }
    EXPECT_EQ(fa.open_group(group).string_attribute("threshold_ratios"),
              fb.open_group(group).string_attribute("threshold_ratios"));
  }
}

// `mpirun -n 2 xbarmc args` with each rank's stdout and stderr in its own file.
struct PerRank {
  int status = -1;
  std::string out[2], err[2];
};

PerRank run_per_rank(const TempDir& dir, const std::string& args) {
  const std::string prefix = dir.file("rank");
  const std::string cmd = std::string(kMpirun) + "sh -c 'exec " + XBARMC_BINARY + " " + args +
                          " >" + prefix + "$OMPI_COMM_WORLD_RANK.out 2>" + prefix +
                          "$OMPI_COMM_WORLD_RANK.err'";
  const int raw = std::system(cmd.c_str());
  PerRank r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  for (int rank = 0; rank < 2; ++rank) {
    r.out[rank] = slurp(prefix + std::to_string(rank) + ".out");
    r.err[rank] = slurp(prefix + std::to_string(rank) + ".err");
  }
  return r;
}

// The names in `folder` and its subfolders, relative to it, sorted.
std::set<std::string> tree(const std::string& folder) {
  std::set<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    names.insert(fs::relative(e.path(), folder).string());
  return names;
}

// The accuracy table `xbarmc train` prints last ("stage  train  val  test" ...).
std::string train_table(const std::string& out) {
  const std::size_t at = out.find("stage");
  return at == std::string::npos ? "" : out.substr(at, out.find("wrote", at) - at);
}

void expect_same_model(const std::string& a, const std::string& b) {
  const h5::File fa = h5::File::open(a), fb = h5::File::open(b);
  for (const char* name : {"weights/float", "weights/deployed", "weights/quantized",
                           "mapping/g_target", "accuracy/float", "accuracy/ptq"}) {
    EXPECT_EQ(fa.read<double>(name).data, fb.read<double>(name).data) << name;
  }
}

TEST_F(Mpi, TrainUnderMpirunTrainsOnceOnRankZero) {
  const TempDir one("mpi_train_one"), two("mpi_train_two");
  const std::string args = "train --epochs 3 --data-dir " + data() + " --out ";
  const CliRun single = run("", args + one.file("model.h5"));
  ASSERT_EQ(single.status, 0) << single.err;
  fs::create_directories(two.file("out"));
  const PerRank r = run_per_rank(two, args + two.file("out/model.h5"));
  ASSERT_EQ(r.status, 0) << r.err[0] << r.err[1];
  // Rank 0 trained and printed what one process prints; rank 1 printed nothing.
  ASSERT_NE(train_table(single.out), "") << single.out;
  EXPECT_EQ(train_table(r.out[0]), train_table(single.out)) << r.out[0];
  EXPECT_EQ(r.out[1], "");
  EXPECT_EQ(r.err[1], "");
  // One model file, nothing else, equal to the single-process one.
  EXPECT_EQ(tree(two.file("out")), (std::set<std::string>{"model.h5"}));
  expect_same_model(two.file("out/model.h5"), one.file("model.h5"));
}

TEST_F(Mpi, RunConfigUnderMpirunTrainsAndWritesOnce) {
  // One config, run by one process and then (its outputs moved aside) under mpirun, so
  // that both write the same paths (the study key names the model file).
  const TempDir d("mpi_run");
  std::ofstream(d.file("study.toml"))
      << "[train]\ndata-dir = \"" << data() << "\"\nepochs = 3\nout = \""
      << d.file("out/cache/model.h5") << "\"\n\n[mc]\ndata-dir = \"" << data()
      << "\"\nchips = 7\nimages = 40\ntimes = [1, 3600]\nc2c-sigma = 0.4\n"
         "read-sigma = 0.2\nthreads = 1\nyield-spec = [\"nominal-5pp\"]\nout = \""
      << d.file("out/results/study.h5") << "\"\n";
  const CliRun single = run("", "run " + d.file("study.toml"));
  ASSERT_EQ(single.status, 0) << single.err;
  fs::rename(d.file("out"), d.file("single"));
  const PerRank r = run_per_rank(d, "run " + d.file("study.toml"));
  ASSERT_EQ(r.status, 0) << r.err[0] << r.err[1];
  EXPECT_EQ(r.out[1], "");
  EXPECT_EQ(r.err[1], "");
  // One training and one summary table, from rank 0.
  for (const std::string marker : {"training ", "checksum of correct counts"}) {
    ASSERT_NE(single.out.find(marker), std::string::npos) << single.out;
    const std::size_t at = r.out[0].find(marker);
    ASSERT_NE(at, std::string::npos) << r.out[0];
    EXPECT_EQ(r.out[0].find(marker, at + 1), std::string::npos) << r.out[0];
  }
  EXPECT_EQ(train_table(r.out[0]), train_table(single.out));
  // The same files as one process writes, with the same contents.
  EXPECT_EQ(tree(d.file("out")), tree(d.file("single")));
  expect_same_model(d.file("out/cache/model.h5"), d.file("single/cache/model.h5"));
  // Every result dataset; the study keys differ only in the model file's checksum, as
  // HDF5 stores the time of writing in the file (two trainings never match byte for byte).
  const h5::File fa = h5::File::open(d.file("out/results/study.h5"));
  const h5::File fb = h5::File::open(d.file("single/results/study.h5"));
  testing_cli::expect_same_group(fa, fb, "mc/");
  const auto without_checksum = [](std::string key) {
    const std::size_t at = key.find("# model file checksum");
    return key.erase(at, key.find('\n', at) - at);
  };
  EXPECT_EQ(without_checksum(fa.string_attribute("study_key")),
            without_checksum(fb.string_attribute("study_key")));
  EXPECT_EQ(slurp(d.file("out/cache/model.h5.train-key")),
            slurp(d.file("single/cache/model.h5.train-key")));
}

TEST_F(Mpi, MergeUnderMpirunMergesOnce) {
  const std::string s0 = file("merge_s0.h5"), s1 = file("merge_s1.h5");
  ASSERT_EQ(run("", study(s0, "--chips-to 6")).status, 0);
  ASSERT_EQ(run("", study(s1, "--chips-from 6")).status, 0);
  const std::string one = file("merged_one.h5");
  const CliRun single = run("", "merge --out " + one + " " + s1 + " " + s0);
  ASSERT_EQ(single.status, 0) << single.err;
  const TempDir two("mpi_merge_two");
  fs::create_directories(two.file("out"));
  const PerRank r =
      run_per_rank(two, "merge --out " + two.file("out/merged.h5") + " " + s1 + " " + s0);
  ASSERT_EQ(r.status, 0) << r.err[0] << r.err[1];
  EXPECT_EQ(r.out[0], single.out.substr(0, single.out.find("wrote")) + "wrote " +
                          two.file("out/merged.h5") + "\n");
  EXPECT_EQ(r.out[1], "");
  EXPECT_EQ(r.err[1], "");
  EXPECT_EQ(tree(two.file("out")), (std::set<std::string>{"merged.h5"}));
  expect_same_mc_results(two.file("out/merged.h5"), one);
}

TEST_F(Mpi, BadSettingsFailOnceWithoutAFile) {
  const std::string out = file("bad.h5");
  const CliRun r = run(kMpirun, study(out, "--split train"));
  EXPECT_EQ(r.status, 2) << r.err;
  const std::string needle = "--split 'train'";
  ASSERT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(needle, r.err.find(needle) + 1), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".partial"));
}
#else
TEST_F(Mpi, BuildWithoutMpiRefusesToRunUnderMpirun) {
  const std::string out = file("refused.h5");
  const CliRun r = run(kMpirun, study(out));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("built without MPI"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}
#endif

}  // namespace
}  // namespace xbarmc
