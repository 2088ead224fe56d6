// `xbarmc sweep` over networks (DESIGN §2.6, §2.7) on a tiny generated data set: hidden
// layer and array-size axes in grid order, one cached model per (method, bits, hidden,
// bias), the table's network columns and the Markdown report's, every layer's threshold
// ratio that val calibrated reused exactly on test (and with it the same θ and I_fs per
// layer), the network record in the test groups, a one-layer sweep's table unchanged,
// and bad network axes → exit 2 with one line before anything is trained.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
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
using testing_cli::slurp;
using testing_data::TempDir;

// The network columns of /sweep/table and the ones every row is checked against.
struct NetRow {
  char method[16], hidden[64];
  std::int32_t array_rows, array_cols, timesteps;
  double threshold_ratio, objective;
  char threshold_ratios[192];
};

std::vector<NetRow> read_table(const h5::File& f) {
  h5::CompoundType t(sizeof(NetRow));
  t.add_string("method", offsetof(NetRow, method), sizeof(NetRow::method));
  t.add_string("hidden", offsetof(NetRow, hidden), sizeof(NetRow::hidden));
  t.add<std::int32_t>("array_rows", offsetof(NetRow, array_rows));
  t.add<std::int32_t>("array_cols", offsetof(NetRow, array_cols));
  t.add<std::int32_t>("timesteps", offsetof(NetRow, timesteps));
  t.add<double>("threshold_ratio", offsetof(NetRow, threshold_ratio));
  t.add<double>("objective", offsetof(NetRow, objective));
  t.add_string("threshold_ratios", offsetof(NetRow, threshold_ratios),
               sizeof(NetRow::threshold_ratios));
  const h5::Dataset d = f.open_dataset("sweep/table");
  std::vector<NetRow> rows(d.shape().at(0));
  d.read_compound(t, rows.data(), rows.size());
  return rows;
}

// The field names of /sweep/table, in order.
std::vector<std::string> table_fields(const std::string& path) {
  std::vector<std::string> names;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t set = H5Dopen2(file, "sweep/table", H5P_DEFAULT);
  const hid_t type = H5Dget_type(set);
  for (int i = 0; i < H5Tget_nmembers(type); ++i) {
    char* name = H5Tget_member_name(type, static_cast<unsigned>(i));
    names.emplace_back(name);
    H5free_memory(name);
  }
  H5Tclose(type);
  H5Dclose(set);
  H5Fclose(file);
  return names;
}

double scalar(const h5::File& f, const std::string& name) {
  return f.read<double>(name).data.at(0);
}

class SweepNetworkCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("sweep_network_cli");
    testing_data::write_idx_set(*dir_, 600, 120, false);
    grid_ = run(common() + " --hidden \"none;8\" --arrays \"0x0;128x8\" --keep-runs --out " +
                file("grid.h5"));
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  // raw inputs (784) by default, so 128-row arrays cut the first layer into 7 row blocks.
  static std::string common(const std::string& models = "models", const std::string& method = "raw",
                            const std::string& timesteps = "4,8") {
    return "sweep --data-dir " + dir_->path().string() + " --model-dir " + file(models) +
           " --method " + method + " --weight-bits 4 --scheme B --adc-bits 5 --timesteps " +
           timesteps +
           " --chips 3 --images 40 --test-chips 3 --test-images 50 --epochs 20 --c2c-sigma 0.2"
           " --read-sigma 0.05 --yield-spec 0.5 --objective mc_mean --tolerance 0.3"
           " --threads 2 --quiet";
  }

  static std::unique_ptr<TempDir> dir_;
  static CliRun grid_;
};
std::unique_ptr<TempDir> SweepNetworkCli::dir_;
CliRun SweepNetworkCli::grid_;

TEST_F(SweepNetworkCli, HiddenAndArrayAxesExpandInGridOrderWithOneModelPerHidden) {
  ASSERT_EQ(grid_.status, 0) << grid_.err;
  const h5::File f = h5::File::open(file("grid.h5"));
  const std::vector<NetRow> rows = read_table(f);
  ASSERT_EQ(rows.size(), 8u);  // 2 hidden × 2 arrays × 2 timesteps
  const char* hidden[] = {"none", "none", "none", "none", "8", "8", "8", "8"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_STREQ(rows[i].hidden, hidden[i]);
    EXPECT_EQ(rows[i].array_rows, (i / 2) % 2 ? 128 : 0);
    EXPECT_EQ(rows[i].array_cols, (i / 2) % 2 ? 8 : 0);
    EXPECT_EQ(rows[i].timesteps, i % 2 ? 8 : 4);
  }
  // The one-layer model keeps the name (and key) it had before networks.
  EXPECT_TRUE(fs::exists(file("models/raw-w4.h5")));
  EXPECT_TRUE(fs::exists(file("models/raw-w4-h8.h5")));
  EXPECT_EQ(std::distance(fs::directory_iterator(file("models")), fs::directory_iterator()), 4);
  const std::string md = slurp(file("grid.md"));
  EXPECT_NE(md.find("| row | method | hidden | arrays | weight bits |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 6 | raw | 8 | 128x8 | 4 | B | 5 | 4 | subtract | "), std::string::npos)
      << md;
  EXPECT_NE(f.string_attribute("config_toml").find("hidden = [\"none\", \"8\"]"),
            std::string::npos);
}

TEST_F(SweepNetworkCli, EveryRowRecordsTheRatiosValCalibratedPerLayer) {
  ASSERT_EQ(grid_.status, 0) << grid_.err;
  const std::vector<NetRow> rows = read_table(h5::File::open(file("grid.h5")));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    const h5::File val = h5::File::open(file("grid.h5.runs/val-" + std::to_string(i) + ".h5"));
    EXPECT_EQ(rows[i].threshold_ratio, scalar(val, "reference/threshold_ratio"));
    // The one-layer chip of row 0 and 1 has no per-layer record: its one ratio.
    const bool network = i >= 2;
    EXPECT_EQ(val.exists("reference/layers"), network);
    std::string ratios = round_trip_text(rows[i].threshold_ratio);
    if (network) {
      const int layers = i >= 4 ? 2 : 1;
      ratios.clear();
      for (int l = 0; l < layers; ++l) {
        ratios += (l ? "," : "") +
                  round_trip_text(
                      scalar(val, "reference/layers/" + std::to_string(l) + "/threshold_ratio"));
      }
    }
    EXPECT_EQ(std::string(rows[i].threshold_ratios), ratios);
  }
}

TEST_F(SweepNetworkCli, TestReusesEveryLayersRatioAndSoItsThresholdAndFullScale) {
  ASSERT_EQ(grid_.status, 0) << grid_.err;
  const h5::File f = h5::File::open(file("grid.h5"));
  const std::vector<NetRow> rows = read_table(f);
  // Force a network among the tested rows: a second sweep of the network rows alone.
  const CliRun net =
      run(common() + " --hidden 8 --arrays \"0x0;128x8\" --keep-runs --out " + file("net.h5"));
  ASSERT_EQ(net.status, 0) << net.err;
  int checked = 0;
  for (const std::string out : {"grid.h5", "net.h5"}) {
    for (const auto& entry : fs::directory_iterator(file(out + ".runs"))) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("test-", 0) != 0) continue;
      SCOPED_TRACE(out + " " + name);
      const h5::File test = h5::File::open(entry.path().string());
      const h5::File val =
          h5::File::open(file(out + ".runs/val-" + name.substr(5, name.find('.') - 5) + ".h5"));
      for (const char* ref : {"threshold_ratio", "threshold", "i_fs_a"}) {
        EXPECT_EQ(scalar(test, std::string("reference/") + ref),
                  scalar(val, std::string("reference/") + ref))
            << ref;
      }
      if (!val.exists("reference/layers")) continue;
      const std::size_t layers = val.open_group("reference/layers").children().size();
      for (std::size_t l = 0; l < layers; ++l) {
        for (const char* ref : {"threshold_ratio", "rho", "threshold", "i_fs_a"}) {
          const std::string name_l = "reference/layers/" + std::to_string(l) + "/" + ref;
          EXPECT_EQ(scalar(test, name_l), scalar(val, name_l)) << name_l;
        }
      }
      // Test was given every layer's ratio, not one to calibrate the hidden layers from.
      const std::string key = test.string_attribute("study_key");
      EXPECT_NE(key.find("threshold-ratio = \"" +
                         round_trip_text(scalar(val, "reference/layers/0/threshold_ratio")) +
                         (layers == 2 ? "," : "\"")),
                std::string::npos)
          << key;
      ++checked;
    }
  }
  EXPECT_GE(checked, 2);
  // The network sweep's test groups carry the network's record for the analysis.
  const h5::File n = h5::File::open(file("net.h5"));
  for (const char* which : {"sweep/test/best", "sweep/test/recommendation"}) {
    SCOPED_TRACE(which);
    const h5::Group g = n.open_group(which);
    const std::int64_t row = g.int_attribute("row");
    EXPECT_EQ(g.string_attribute("threshold_ratios"),
              std::string(read_table(n).at(static_cast<std::size_t>(row)).threshold_ratios));
    for (const std::string l : {"0", "1"}) {
      EXPECT_TRUE(g.exists("mapping/layers/" + l + "/g_target"));
      EXPECT_TRUE(g.exists("reference/layers/" + l + "/threshold"));
    }
    // 784 rows in 7 blocks of 128, 8 outputs in 2 blocks of 4 (C_a = 8); or one array.
    EXPECT_EQ(g.open_group("mapping/layers/0").int_attribute("arrays"), row % 4 >= 2 ? 14 : 1);
    EXPECT_EQ(g.read<std::uint64_t>("layer_saturated").shape, (h5::Shape{2, 1, 3}));
  }
}

TEST_F(SweepNetworkCli, BiasSettingsKeyTheModelsAndReachTheChip) {
  const CliRun r = run(common("bias_models", "raw", "4") +
                       " --hidden 6 --bias --bias-mode row --out " + file("bias.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(file("bias_models/raw-w4-h6-rowbias.h5")));
  const h5::File f = h5::File::open(file("bias.h5"));
  const h5::Group layer = f.open_group("sweep/test/best/mapping/layers/0");
  EXPECT_EQ(layer.string_attribute("bias_mode"), "row");
  EXPECT_EQ(f.read<double>("sweep/test/best/mapping/layers/0/g_target").shape,
            (h5::Shape{785, 12}));  // 784 inputs and the bias row, 6 outputs
}

TEST_F(SweepNetworkCli, OneLayerSweepKeepsTheTableOfBefore) {
  const CliRun r = run(common("one_models", "avg_8x8", "4") + " --out " + file("one.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(table_fields(file("one.h5")),
            (std::vector<std::string>{"method", "scheme", "adc_bits", "weight_bits", "timesteps",
                                      "reset", "threshold_ratio", "cost", "val_nominal",
                                      "val_mc_mean", "val_mc_p5", "val_yield", "objective"}));
  const h5::File f = h5::File::open(file("one.h5"));
  EXPECT_EQ(f.string_attribute("config_toml").find("hidden"), std::string::npos);
  EXPECT_FALSE(f.exists("sweep/test/best/mapping"));
  EXPECT_FALSE(f.open_group("sweep/test/best").has_attribute("threshold_ratios"));
  EXPECT_EQ(slurp(file("one.md")).find("hidden"), std::string::npos);
}

TEST_F(SweepNetworkCli, BadNetworkAxesExitTwoBeforeAnyTraining) {
  const struct {
    std::string args, named;
  } cases[] = {
      {" --hidden \"none;8x\"", "--hidden '8x'"},
      {" --hidden 0", "--hidden '0'"},
      {" --hidden \"8;8\"", "--hidden lists 8 twice"},
      {" --hidden 70000", "--hidden 70000"},
      {" --arrays 128x127", "--arrays '128x127': the columns must be even"},
      {" --arrays 128", "--arrays '128': expected ROWSxCOLS"},
      {" --arrays 4x-2", "--arrays '4x-2'"},
      {" --bias-mode column", "column"},
      {" --hidden \"none;8\" --full-scale 1e-6,2e-6",
       "--full-scale '1e-6,2e-6': 2 values, but --hidden 'none' has 1 layer(s)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const std::string out = file("bad.h5");
    const CliRun r = run(common("bad_models") + c.args + " --out " + out);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << r.err;
    EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".runs"));
    EXPECT_FALSE(fs::exists(file("bad_models")));
  }
}

}  // namespace
}  // namespace xbarmc
