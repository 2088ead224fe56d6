// Shards and merge (DESIGN §6) end to end on a tiny generated data set and model:
// a shard holds exactly the whole study's chips of its range, merged shards equal one
// run of the union in every per-chip dataset and statistic, and merge refuses gaps,
// overlaps, other studies and damaged or unfinished shards (exit 2, one line naming
// the range, setting or file, no output file). Drift shards merge the same way.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "common/errors.hpp"
#include "io/h5.hpp"
#include "results/merge.hpp"
#include "same_results.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::Damage;
using testing_cli::damage_hdf5;
using testing_cli::expect_same_drift_results;
using testing_cli::expect_same_mc_results;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

class ShardsMerge : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("shards_merge");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    const CliRun r = run("train --quiet --epochs 6 --data-dir " + data() + " --out " + model());
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(run(study(file("straight.h5"))).status, 0);
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string model() { return dir_->file("model.h5"); }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  // 12 chips with enough variation that they differ; `extra` picks the shard.
  static std::string study(const std::string& out, const std::string& extra = "") {
    return "mc --model " + model() + " --data-dir " + data() +
           " --chips 12 --times 1,86400 --c2c-sigma 0.6 --read-sigma 0.3 --nu-mean 0.05 "
           "--nu-std 0.05 --p-stuck-off 0.05 --yield-spec 0.9,float-2pp --timesteps 8 --quiet "
           "--out " +
           out + " " + extra;
  }
  static std::string shard(const std::string& name, int from, int to,
                           const std::string& extra = "") {
    const std::string out = file(name);
    if (!fs::exists(out)) {
      const CliRun r = run(study(out, "--chips-from " + std::to_string(from) + " --chips-to " +
                                          std::to_string(to) + " " + extra));
      EXPECT_EQ(r.status, 0) << r.err;
    }
    return out;
  }

  // Exit 2 with one line containing every `needle`, and no merged file.
  static void expect_merge_refused(const std::string& args,
                                   std::initializer_list<const char*> needles) {
    const std::string out = file("refused.h5");
    const CliRun r = run("merge --out " + out + " " + args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const char* n : needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
  }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> ShardsMerge::dir_;

TEST_F(ShardsMerge, ShardHoldsTheWholeStudysChipsOfItsRange) {
  const std::string s = shard("s5_12.h5", 5, 12);
  const h5::File f = h5::File::open(s), whole = h5::File::open(file("straight.h5"));
  const h5::Array<std::uint64_t> index = f.read<std::uint64_t>("mc/chip_index");
  ASSERT_EQ(index.data.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(index.data[i], 5 + i);
  const h5::Array<std::uint32_t> part = f.read<std::uint32_t>("mc/correct");
  const h5::Array<std::uint32_t> all = whole.read<std::uint32_t>("mc/correct");
  ASSERT_EQ(part.shape, (h5::Shape{2, 7}));
  for (std::size_t t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(part.data[t * 7 + i], all.data[t * 12 + 5 + i]);
  }
  const std::string toml = f.string_attribute("config_toml");
  EXPECT_NE(toml.find("chips-from = 5\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("chips-to = 12\n"), std::string::npos) << toml;
}

TEST_F(ShardsMerge, MergedShardsEqualOneRunInEveryDatasetAndStatistic) {
  const std::string a = shard("s0_5.h5", 0, 5), b = shard("s5_12.h5", 5, 12);
  const std::string out = file("merged.h5");
  const CliRun r = run("merge --out " + out + " " + b + " " + a);  // any order
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("checksum of correct counts"), std::string::npos) << r.out;
  expect_same_mc_results(out, file("straight.h5"));
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.read<std::uint64_t>("merge/chips_from").data, (std::vector<std::uint64_t>{0, 5}));
  EXPECT_EQ(f.read<std::uint64_t>("merge/chips_to").data, (std::vector<std::uint64_t>{5, 12}));
  EXPECT_EQ(f.read_strings("merge/file"), (std::vector<std::string>{a, b}));
  const std::vector<std::string> commands = f.read_strings("merge/command_line");
  EXPECT_NE(commands.at(1).find("--chips-from 5"), std::string::npos) << commands.at(1);
  EXPECT_NE(f.string_attribute("command_line").find("merge"), std::string::npos);
}

TEST_F(ShardsMerge, UnevenShardsRunDifferentlyMergeToASubRange) {
  // Three shards of [2, 12) with other thread counts and batch sizes equal one run of
  // --chips-from 2 (the run settings never change the results).
  const std::string a = shard("u2_3.h5", 2, 3, "--threads 1 --batch 1");
  const std::string b = shard("u3_8.h5", 3, 8, "--threads 2 --batch 2");
  const std::string c = shard("u8_12.h5", 8, 12);
  const std::string one = shard("u2_12.h5", 2, 12);
  const std::string out = file("merged_2_12.h5");
  ASSERT_EQ(run("merge --quiet --out " + out + " " + c + " " + a + " " + b).status, 0);
  expect_same_mc_results(out, one);
}

TEST_F(ShardsMerge, ResumedShardEqualsUninterruptedShard) {
  const std::string out = file("resumed_5_12.h5");
  const std::string args = study(out, "--chips-from 5 --chips-to 12 --batch 2");
  ASSERT_EQ(run(args + " --stop-after-batches 1").status, 130);
  ASSERT_TRUE(fs::exists(out + ".partial"));
  ASSERT_EQ(run(args + " --resume").status, 0);
  expect_same_mc_results(out, shard("s5_12.h5", 5, 12));
}

TEST_F(ShardsMerge, GapIsRefusedNamingTheMissingChips) {
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + shard("s6_12.h5", 6, 12),
                       {"[5, 6)", "missing"});
}

TEST_F(ShardsMerge, OverlapIsRefusedNamingTheDoubledChips) {
  expect_merge_refused(shard("s0_6.h5", 0, 6) + " " + shard("s5_12.h5", 5, 12), {"[5, 6)", "both"});
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + shard("s0_5.h5", 0, 5), {"[0, 5)", "both"});
}

TEST_F(ShardsMerge, OtherStudyIsRefusedNamingTheSetting) {
  const std::string other = shard("seed2_5_12.h5", 5, 12, "--seed 2");
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + other, {"seed = 2", "seed2_5_12.h5"});
}

TEST_F(ShardsMerge, DamagedShardIsRefusedNamingTheFile) {
  const std::string damaged = file("damaged_5_12.h5");
  fs::copy_file(shard("s5_12.h5", 5, 12), damaged, fs::copy_options::overwrite_existing);
  {
    h5::File f = h5::File::open_rw(damaged);
    const std::uint32_t wrong = 9999;
    f.open_dataset("mc/correct").write_block<std::uint32_t>({0, 3}, {1, 1}, &wrong);
    f.close();
  }
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + damaged, {"damaged_5_12.h5", "checksum"});
  EXPECT_THROW(study::read_shard(damaged + ".missing"), UserError);

  const std::string garbage = file("garbage.h5");
  std::ofstream(garbage) << "not an HDF5 file\n";
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + garbage, {"garbage.h5"});
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + model(), {"model.h5", "not an xbarmc mc"});
  // Cut short, or a byte flipped in its metadata (which HDF5 checksums).
  for (const Damage how : {Damage::kTruncated, Damage::kFlipped}) {
    const std::string cut = file("cut_5_12.h5");
    fs::copy_file(shard("s5_12.h5", 5, 12), cut, fs::copy_options::overwrite_existing);
    ASSERT_TRUE(damage_hdf5(cut, how));
    expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + cut, {"cut_5_12.h5"});
  }
}

TEST_F(ShardsMerge, UnfinishedShardIsRefused) {
  const std::string out = file("unfinished.h5");
  ASSERT_EQ(run(study(out, "--chips-from 5 --batch 2 --stop-after-batches 1")).status, 130);
  expect_merge_refused(shard("s0_5.h5", 0, 5) + " " + out + ".partial", {"unfinished"});
}

// Drift shards: each compensation mode is an mc study of its own.
std::string drift_study(const std::string& model, const std::string& data, const std::string& out,
                        const std::string& extra = "") {
  return "drift --model " + model + " --data-dir " + data +
         " --chips 6 --times 1,86400 --c2c-sigma 0.6 --read-sigma 0.3 --nu-mean 0.05 "
         "--nu-std 0.05 --yield-spec 0.9,float-2pp --timesteps 8 --images 60 --quiet --out " +
         out + " " + extra;
}

TEST_F(ShardsMerge, MergedDriftShardsEqualOneDriftRun) {
  const std::string one = file("drift_one.h5"), a = file("drift_0_2.h5"), b = file("drift_2_6.h5"),
                    out = file("drift_merged.h5");
  ASSERT_EQ(run(drift_study(model(), data(), one)).status, 0);
  ASSERT_EQ(run(drift_study(model(), data(), a, "--chips-to 2")).status, 0);
  ASSERT_EQ(run(drift_study(model(), data(), b, "--chips-from 2")).status, 0);
  EXPECT_NE(h5::File::open(b).string_attribute("study_key").find("chips-from = 2\n"),
            std::string::npos);
  const CliRun r = run("merge --out " + out + " " + b + " " + a);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("with global compensation"), std::string::npos) << r.out;
  expect_same_drift_results(out, one);
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.read_strings("merge/file"), (std::vector<std::string>{a, b}));
  EXPECT_EQ(f.read<std::uint64_t>("merge/chips_to").data, (std::vector<std::uint64_t>{2, 6}));
  EXPECT_FALSE(fs::exists(out + ".uncompensated"));
  EXPECT_FALSE(fs::exists(out + ".shard0.compensated"));

  // Only shards of one kind, and drift shards tile one range too.
  expect_merge_refused(a + " " + shard("s5_12.h5", 5, 12), {"drift", "mc", "one study"});
  const std::string c = file("drift_3_6.h5");
  ASSERT_EQ(run(drift_study(model(), data(), c, "--chips-from 3")).status, 0);
  expect_merge_refused(a + " " + c, {"[2, 3)", "missing", "drift_3_6.h5 (/drift/"});
  expect_merge_refused(b + " " + c, {"[3, 6)", "both"});
}

TEST_F(ShardsMerge, BadChipRangeIsRefused) {
  for (const char* range : {"--chips-from 5 --chips-to 5", "--chips-to 13", "--chips-from 12"}) {
    const std::string out = file("bad_range.h5");
    const CliRun r = run(study(out, range));
    EXPECT_EQ(r.status, 2) << range << ": " << r.err;
    EXPECT_NE(r.err.find("--chips-"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".partial"));
  }
}

}  // namespace
}  // namespace xbarmc
