// `xbarmc sweep` end to end on a tiny generated data set: the results table and its
// attributes as the analysis reads them, best and recommendation recomputed from the
// val table, exactly one test evaluation per selected configuration (counted from the
// kept evaluation files), the Markdown report, --resume reusing finished evaluations
// (their files untouched), --objective yield and nominal choosing by that column, and
// bad input → exit 2 with one line and no file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

struct Row {
  char method[16];
  char scheme[2];
  std::int32_t adc_bits, weight_bits, timesteps;
  char reset[12];
  double threshold_ratio, cost, val_nominal, val_mc_mean, val_mc_p5, val_yield, objective;
};

ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

std::vector<Row> read_table(const h5::File& f) {
  h5::CompoundType t(sizeof(Row));
  t.add_string("method", offsetof(Row, method), sizeof(Row::method));
  t.add_string("scheme", offsetof(Row, scheme), sizeof(Row::scheme));
  t.add<std::int32_t>("adc_bits", offsetof(Row, adc_bits));
  t.add<std::int32_t>("weight_bits", offsetof(Row, weight_bits));
  t.add<std::int32_t>("timesteps", offsetof(Row, timesteps));
  t.add_string("reset", offsetof(Row, reset), sizeof(Row::reset));
  t.add<double>("threshold_ratio", offsetof(Row, threshold_ratio));
  t.add<double>("cost", offsetof(Row, cost));
  t.add<double>("val_nominal", offsetof(Row, val_nominal));
  t.add<double>("val_mc_mean", offsetof(Row, val_mc_mean));
  t.add<double>("val_mc_p5", offsetof(Row, val_mc_p5));
  t.add<double>("val_yield", offsetof(Row, val_yield));
  t.add<double>("objective", offsetof(Row, objective));
  const h5::Dataset d = f.open_dataset("sweep/table");
  std::vector<Row> rows(d.shape().at(0));
  d.read_compound(t, rows.data(), rows.size());
  return rows;
}

class SweepCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("sweep_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    first_ = run(sweep_args(file("sweep.h5")) + " --keep-runs");
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string data() { return dir_->path().string(); }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  // 2 weight bits × 2 schemes × 2 timesteps = 8 combinations, two models.
  static std::string sweep_args(const std::string& out) {
    return "sweep --data-dir " + data() + " --model-dir " + file("models") +
           " --method avg_8x8 --weight-bits 2,4 --scheme A,B --adc-bits 5 --timesteps 4,8"
           " --chips 4 --images 50 --test-chips 5 --test-images 60 --epochs 4 --c2c-sigma 0.3"
           " --yield-spec 0.5 --objective mc_mean --tolerance 0.02 --threads 2 --quiet --out " +
           out;
  }

  static std::unique_ptr<TempDir> dir_;
  static CliRun first_;
};
std::unique_ptr<TempDir> SweepCli::dir_;
CliRun SweepCli::first_;

TEST_F(SweepCli, WritesTheSweepTableAndChoosesFromVal) {
  ASSERT_EQ(first_.status, 0) << first_.err;
  const h5::File f = h5::File::open(file("sweep.h5"));
  EXPECT_EQ(f.string_attribute("study"), "sweep");
  EXPECT_TRUE(f.has_attribute("config_toml"));
  const std::vector<Row> rows = read_table(f);
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_STREQ(rows[0].method, "avg_8x8");
  EXPECT_STREQ(rows[0].scheme, "A");
  EXPECT_STREQ(rows[0].reset, "subtract");
  EXPECT_EQ(rows[0].weight_bits, 2);
  EXPECT_EQ(rows[1].timesteps, 8);
  EXPECT_EQ(rows[7].weight_bits, 4);
  for (const Row& r : rows) {
    EXPECT_DOUBLE_EQ(r.cost, r.timesteps / 16.0 + r.adc_bits / 6.0 + r.weight_bits / 4.0);
    EXPECT_EQ(r.objective, r.val_mc_mean);  // --objective mc_mean
    EXPECT_GT(r.threshold_ratio, 0.0);
    EXPECT_LE(r.val_mc_p5, r.val_mc_mean);
  }
  const h5::Group sweep = f.open_group("sweep");
  EXPECT_EQ(sweep.string_attribute("objective_name"), "val_mc_mean");
  EXPECT_EQ(sweep.double_attribute("tolerance"), 0.02);
  // Best and recommendation follow from the val table and the documented rules.
  std::size_t best = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].objective > rows[best].objective ||
        (rows[i].objective == rows[best].objective && rows[i].cost < rows[best].cost)) {
      best = i;
    }
  }
  std::size_t rec = best;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].objective < rows[best].objective - 0.02 - 1e-12) continue;
    if (rows[i].cost < rows[rec].cost ||
        (rows[i].cost == rows[rec].cost && rows[i].objective > rows[rec].objective)) {
      rec = i;
    }
  }
  EXPECT_EQ(sweep.int_attribute("best_index"), static_cast<std::int64_t>(best));
  EXPECT_EQ(sweep.int_attribute("recommendation_index"), static_cast<std::int64_t>(rec));
  // Test groups in the mc layout, with the references the report shows.
  for (const char* which : {"sweep/test/best", "sweep/test/recommendation"}) {
    const h5::Group g = f.open_group(which);
    EXPECT_EQ(g.read<std::uint32_t>("correct").shape, (h5::Shape{1, 5})) << which;
    EXPECT_EQ(g.int_attribute("n_images"), 60) << which;
    EXPECT_EQ(g.string_attribute("split"), "test") << which;
    EXPECT_TRUE(g.has_attribute("float_accuracy")) << which;
    EXPECT_TRUE(g.has_attribute("nominal_accuracy")) << which;
  }
  EXPECT_EQ(f.open_group("sweep/test/recommendation").int_attribute("row"),
            static_cast<std::int64_t>(rec));
}

TEST_F(SweepCli, TestIsEvaluatedExactlyOncePerSelectedConfiguration) {
  ASSERT_EQ(first_.status, 0) << first_.err;
  const h5::File f = h5::File::open(file("sweep.h5"));
  const h5::Group sweep = f.open_group("sweep");
  const std::int64_t best = sweep.int_attribute("best_index");
  const std::int64_t rec = sweep.int_attribute("recommendation_index");
  const std::set<std::int64_t> selected = {best, rec};
  EXPECT_EQ(sweep.int_attribute("test_evaluations"), static_cast<std::int64_t>(selected.size()));
  // Every evaluation the sweep ran is one mc results file in OUT.runs (--keep-runs).
  int val_runs = 0;
  std::set<std::int64_t> test_rows;
  int test_runs = 0;
  for (const auto& entry : fs::directory_iterator(file("sweep.h5.runs"))) {
    const std::string name = entry.path().filename().string();
    const h5::File run_file = h5::File::open(entry.path().string());
    const std::string split = run_file.open_group("mc").string_attribute("split");
    if (name.rfind("val-", 0) == 0) {
      ++val_runs;
      EXPECT_EQ(split, "val") << name;
    } else {
      ASSERT_EQ(name.rfind("test-", 0), 0u) << name;
      EXPECT_EQ(split, "test") << name;
      ++test_runs;
      test_rows.insert(std::stoll(name.substr(5)));
    }
  }
  EXPECT_EQ(val_runs, 8);
  EXPECT_EQ(test_runs, static_cast<int>(selected.size()));
  EXPECT_EQ(test_rows, selected);
  EXPECT_NE(first_.out.find("test evaluations: " + std::to_string(selected.size())),
            std::string::npos)
      << first_.out;
}

TEST_F(SweepCli, WritesAMarkdownReportBesideTheResults) {
  ASSERT_EQ(first_.status, 0) << first_.err;
  std::ifstream in(file("sweep.md"));
  ASSERT_TRUE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  const std::string md = s.str();
  for (const char* part :
       {"# xbarmc sweep report", "cost = timesteps/16 + adc_bits/6 + weight_bits/4",
        "## Chosen on val", "## Test (reported once)", "## Every combination on val",
        "| recommendation |"}) {
    EXPECT_NE(md.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(std::count(md.begin(), md.end(), '\n') > 20, true);
}

TEST_F(SweepCli, ResumeReusesTheFinishedEvaluations) {
  ASSERT_EQ(first_.status, 0) << first_.err;
  // The kept runs folder is not silently reused or thrown away.
  const CliRun refused = run(sweep_args(file("sweep.h5")));
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("sweep.h5.runs"), std::string::npos) << refused.err;
  const h5::File before = h5::File::open(file("sweep.h5"));
  const auto correct = before.read<std::uint32_t>("sweep/test/best/correct").data;
  const std::vector<Row> rows = read_table(before);
  fs::rename(file("sweep.h5"), file("sweep_first.h5"));

  // Results are deterministic, so equal numbers alone would not show reuse: the
  // finished evaluation files must be left as they are. Each one's modification time
  // is set far into the past and its inode noted; a rerun would rewrite it (a new
  // inode through the atomic rename, and a current modification time).
  const auto long_ago = fs::file_time_type::clock::now() - std::chrono::hours(24 * 365);
  std::map<std::string, ino_t> inodes;
  for (const auto& entry : fs::directory_iterator(file("sweep.h5.runs"))) {
    fs::last_write_time(entry.path(), long_ago);
    inodes[entry.path().string()] = inode_of(entry.path().string());
  }
  // 8 val evaluations and one test evaluation per selected configuration.
  const std::int64_t tests = before.open_group("sweep").int_attribute("test_evaluations");
  ASSERT_EQ(inodes.size(), static_cast<std::size_t>(8 + tests));
  const CliRun kept = run(sweep_args(file("sweep.h5")) + " --resume --keep-runs");
  ASSERT_EQ(kept.status, 0) << kept.err;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(file("sweep.h5.runs"))) {
    const std::string path = entry.path().string();
    ASSERT_EQ(inodes.count(path), 1u) << path << " is new";
    EXPECT_EQ(inode_of(path), inodes[path]) << path << " was rewritten";
    EXPECT_EQ(fs::last_write_time(entry.path()), long_ago) << path << " was rewritten";
    ++files;
  }
  EXPECT_EQ(files, inodes.size());
  fs::remove(file("sweep.h5"));

  const CliRun resumed = run(sweep_args(file("sweep.h5")) + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  const h5::File after = h5::File::open(file("sweep.h5"));
  EXPECT_EQ(after.read<std::uint32_t>("sweep/test/best/correct").data, correct);
  const std::vector<Row> again = read_table(after);
  ASSERT_EQ(again.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(again[i].objective, rows[i].objective) << i;
  EXPECT_FALSE(fs::exists(file("sweep.h5.runs")));  // no --keep-runs this time
}

// Best = the highest objective (ties: lower cost, then the earlier row);
// recommendation = the cheapest row within `tolerance` of it (ties: higher objective,
// then the earlier row). README "Sweep", step 3.
std::pair<std::size_t, std::size_t> documented_choice(const std::vector<Row>& rows,
                                                      double tolerance) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].objective > rows[best].objective ||
        (rows[i].objective == rows[best].objective && rows[i].cost < rows[best].cost)) {
      best = i;
    }
  }
  std::size_t rec = best;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].objective < rows[best].objective - tolerance - 1e-12) continue;
    if (rows[i].cost < rows[rec].cost ||
        (rows[i].cost == rows[rec].cost && rows[i].objective > rows[rec].objective)) {
      rec = i;
    }
  }
  return {best, rec};
}

TEST_F(SweepCli, ObjectiveYieldOrNominalChoosesByThatColumn) {
  // 4 combinations of the 4-bit model trained above (cached in --model-dir); 4 chips
  // with a variation and a spec (0.88, amid their accuracies) that set them apart.
  for (const std::string objective : {"yield", "nominal"}) {
    SCOPED_TRACE(objective);
    const std::string out = file("objective_" + objective + ".h5");
    const CliRun r = run("sweep --data-dir " + data() + " --model-dir " + file("models") +
                         " --method avg_8x8 --weight-bits 4 --scheme A,B --adc-bits 3,5"
                         " --timesteps 4 --chips 4 --images 50 --test-chips 2 --test-images 20"
                         " --epochs 4 --c2c-sigma 0.5 --yield-spec 0.88 --objective " +
                         objective + " --tolerance 0.05 --threads 2 --quiet --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    const h5::File f = h5::File::open(out);
    const std::vector<Row> rows = read_table(f);
    ASSERT_EQ(rows.size(), 4u);
    const h5::Group sweep = f.open_group("sweep");
    EXPECT_EQ(sweep.string_attribute("objective_name"), "val_" + objective);
    bool differ = false;
    std::string table;
    for (const Row& row : rows) {
      table += std::string(row.scheme) + " adc" + std::to_string(row.adc_bits) + ": nominal " +
               std::to_string(row.val_nominal) + ", yield " + std::to_string(row.val_yield) + "\n";
      EXPECT_EQ(row.objective, objective == "yield" ? row.val_yield : row.val_nominal);
      differ = differ || row.objective != rows[0].objective;
      if (objective == "yield") {  // a fraction of 4 chips
        EXPECT_EQ(row.val_yield * 4.0, std::round(row.val_yield * 4.0)) << row.val_yield;
      }
    }
    ASSERT_TRUE(differ) << "every combination has the same objective, so the choice is not "
                           "tested:\n"
                        << table;
    const auto [best, rec] = documented_choice(rows, 0.05);
    EXPECT_EQ(sweep.int_attribute("best_index"), static_cast<std::int64_t>(best));
    EXPECT_EQ(sweep.int_attribute("recommendation_index"), static_cast<std::int64_t>(rec));
    EXPECT_EQ(f.open_group("sweep/test/best").int_attribute("row"),
              static_cast<std::int64_t>(best));
  }
}

TEST_F(SweepCli, RunConfigWithASweepSectionRunsTheSweep) {
  const std::string out = file("run/sweep.h5");
  const std::string sweep = "[sweep]\ndata-dir = \"" + data() + "\"\nmodel-dir = \"" +
                            file("models") +
                            "\"\nweight-bits = [4]\ntimesteps = [4]\nadc-bits = [5]\nchips = 3\n"
                            "images = 30\ntest-images = 30\nepochs = 4\nout = \"" +
                            out + "\"\n";
  std::ofstream(file("sweep.toml")) << sweep;
  const CliRun r = run("run " + file("sweep.toml") + " --quiet");
  ASSERT_EQ(r.status, 0) << r.err;
  const h5::File f = h5::File::open(out);
  EXPECT_EQ(f.string_attribute("study"), "sweep");
  // One combination: best and recommendation coincide, so test runs once and both
  // names lead to that one evaluation.
  EXPECT_EQ(read_table(f).size(), 1u);
  EXPECT_EQ(f.open_group("sweep").int_attribute("test_evaluations"), 1);
  EXPECT_EQ(f.read<std::uint32_t>("sweep/test/recommendation/correct").data,
            f.read<std::uint32_t>("sweep/test/best/correct").data);
  EXPECT_NE(r.out.find("the recommendation is the best case"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(file("run/sweep.md")));
  // A sweep trains its own models: a [train] section beside it is refused.
  std::ofstream(file("sweep_train.toml")) << "[train]\nepochs = 3\n" << sweep;
  const CliRun bad = run("run " + file("sweep_train.toml") + " --quiet");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("[train]"), std::string::npos) << bad.err;
}

TEST_F(SweepCli, BadInputExitsTwoWithoutAnyFile) {
  const std::string out = file("bad.h5");
  const struct {
    std::string args, named;
  } cases[] = {
      {" --scheme C", "C"},
      {" --encoding spikes", "'spikes': expected one of rate, deterministic, direct"},
      {" --objective accuracy", "accuracy"},
      {" --tolerance -1", "--tolerance"},
      {" --method pixels", "pixels"},
      {" --weight-bits 0", "--weight-bits"},
      {" --c2c-sigma -1", "--c2c-sigma"},
      // Checked before any model is trained, not at the test evaluations.
      {" --test-chips 5000000000", "--test-chips 5000000000"},
      {" --chips 4294967297", "--chips 4294967297"},
      {" --test-chips -1", "'-1'"},
      {" --threads 100000", "--threads 100000"},
  };
  for (const auto& c : cases) {
    // An option the base arguments already set is replaced, not repeated.
    std::string args = sweep_args(out);
    const std::string option = c.args.substr(0, c.args.find(' ', 1));
    const std::size_t at = args.find(option + " ");
    if (at != std::string::npos) {
      args.erase(at, args.find(' ', at + option.size() + 1) - at);
    }
    const CliRun r = run(args + c.args);
    EXPECT_EQ(r.status, 2) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.args << ": " << r.err;
    EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(file("bad.md"))) << c.args;
  }
  // A chip count beyond the engine's 2^32 chip indices is found before any model is
  // trained (a fresh model folder is not even made), not at the test evaluations.
  std::string args = sweep_args(out) + " --test-chips 5000000000";
  const std::string models = " --model-dir " + file("models") + " ";
  args.replace(args.find(models), models.size(), " --model-dir " + file("fresh_models") + " ");
  const CliRun r = run(args);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_FALSE(fs::exists(file("fresh_models")));
  EXPECT_FALSE(fs::exists(out + ".runs"));
}

TEST_F(SweepCli, MergeRefusesASweepFile) {
  ASSERT_EQ(first_.status, 0) << first_.err;
  const CliRun r = run("merge --out " + file("merged.h5") + " " + file("sweep.h5"));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("a sweep has no shards"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(file("merged.h5")));
}

TEST_F(SweepCli, MissingDataFolderLeavesNoModelFolder) {
  const std::string out = file("no_data.h5");
  const CliRun r = run("sweep --data-dir " + file("missing") + " --quiet --out " + out);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".models"));
  EXPECT_FALSE(fs::exists(out + ".runs"));
}

}  // namespace
}  // namespace xbarmc
