// `xbarmc map --out-dir` for networks on arrays (DESIGN §2.7, §3): one weight map per
// array in the seed's exact format with local rows and columns, which reassemble into
// each layer's logical G_target and levels as the model file stores them; the index and
// the bl_sel tables; the per-layer summary; bad array sizes exit 2 leaving nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_cli::slurp;
using testing_data::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

MatrixD ramp(int rows, int cols, double scale, double phase) {
  MatrixD w(rows, cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) w(r, c) = scale * std::sin(phase + 0.37 * r + 1.3 * c);
  }
  return w;
}

class MapArraysCli : public ::testing::Test {
 protected:
  // 64 → 20 → 10 with biases (avg_8x8 inputs), saved as a model file.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("map_arrays_cli");
    Model m;
    m.features.lo.assign(64, 0.0);
    m.features.hi.assign(64, 1.0);
    for (const auto& [n_out, n_in] : {std::pair{20, 64}, std::pair{10, 20}}) {
      ModelLayer& l = m.layers.emplace_back();
      l.w_float = ramp(n_out, n_in, 0.5, n_in);
      l.w_deployed = l.w_float;
      for (int j = 0; j < n_out; ++j) l.bias.push_back(0.9 * std::cos(j));  // > max|W| at j=0
    }
    map_deployed_weights(m);
    save_model(dir_->file("net.h5"), m);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static CliRun run(const std::string& args) { return run_xbarmc(*dir_, args); }

  static std::unique_ptr<TempDir> dir_;
};
std::unique_ptr<TempDir> MapArraysCli::dir_;

// Reads every array of `out_dir` back into per-layer logical G and levels (interleaved
// columns), checking each cell is written once; returns the number of arrays.
struct Reassembled {
  std::vector<std::vector<double>> g;
  std::vector<std::vector<int>> levels;
};

void reassemble(const std::string& out_dir, Layout layout, int cols, const std::vector<int>& rows,
                const std::vector<int>& outputs, int array_rows, Reassembled& back) {
  const std::vector<std::string> index = lines_of(slurp(out_dir + "/index.csv"));
  ASSERT_GE(index.size(), 2u);
  EXPECT_EQ(index[0], "array,layer,row_block,output_block,file");
  back.g.clear();
  back.levels.clear();
  for (std::size_t l = 0; l < rows.size(); ++l) {
    back.g.emplace_back(static_cast<std::size_t>(rows[l]) * 2 * outputs[l], -1.0);
    back.levels.emplace_back(static_cast<std::size_t>(rows[l]) * 2 * outputs[l], -1);
  }
  const int per_array = cols / 2;
  for (std::size_t k = 1; k < index.size(); ++k) {
    int array = 0, layer = 0, r = 0, c = 0;
    char name[256];
    ASSERT_EQ(std::sscanf(index[k].c_str(), "%d,%d,%d,%d,%255s", &array, &layer, &r, &c, name), 5);
    EXPECT_EQ(array, static_cast<int>(k - 1));
    const std::vector<std::string> lines = lines_of(slurp(out_dir + "/" + name));
    ASSERT_FALSE(lines.empty()) << name;
    EXPECT_EQ(lines[0], "row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg");
    const std::vector<std::string> bl_sel =
        lines_of(slurp(out_dir + "/array_" + std::to_string(array) + "_bl_sel.csv"));
    EXPECT_EQ(bl_sel.size(), static_cast<std::size_t>(cols) + 1) << name;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      int row, col_pos, col_neg, level_pos, level_neg;
      double g_pos, g_neg;
      ASSERT_EQ(std::sscanf(lines[i].c_str(), "%d,%d,%d,%d,%d,%lf,%lf", &row, &col_pos, &col_neg,
                            &level_pos, &level_neg, &g_pos, &g_neg),
                7);
      ASSERT_LT(row, array_rows);
      ASSERT_LT(col_pos, cols);
      // Local output j′ from the local columns: interleaved 2j′, 2j′+1; blocked j′, C/2 + j′.
      const int jl = layout == Layout::kInterleaved ? col_pos / 2 : col_pos;
      EXPECT_EQ(col_neg, layout == Layout::kInterleaved ? col_pos + 1 : per_array + col_pos);
      const std::size_t cell =
          (static_cast<std::size_t>(r) * array_rows + row) * 2 * outputs[layer] +
          2 * static_cast<std::size_t>(c * per_array + jl);
      EXPECT_EQ(back.g[layer][cell], -1.0) << "written twice: " << name << " " << lines[i];
      back.g[layer][cell] = g_pos;
      back.g[layer][cell + 1] = g_neg;
      back.levels[layer][cell] = level_pos;
      back.levels[layer][cell + 1] = level_neg;
    }
  }
}

void expect_matches_model(const Reassembled& back, const std::string& model_path) {
  const h5::File f = h5::File::open(model_path);
  for (std::size_t l = 0; l < back.g.size(); ++l) {
    const std::string group = "layers/" + std::to_string(l);
    const std::vector<double> g = f.read<double>(group + "/g_target").data;
    const std::vector<std::int32_t> levels = f.read<std::int32_t>(group + "/levels").data;
    ASSERT_EQ(g.size(), back.g[l].size());
    for (std::size_t k = 0; k < g.size(); ++k) {
      ASSERT_NEAR(back.g[l][k], g[k], 1e-11 * g[k]) << "layer " << l << " cell " << k;
      ASSERT_EQ(back.levels[l][k], levels[k]) << "layer " << l << " cell " << k;
    }
  }
}

TEST_F(MapArraysCli, ArrayCsvsReassembleIntoEachLayersTargets) {
  const std::string out = file("maps");
  const CliRun r =
      run("map --weights " + file("net.h5") + " --array-rows 16 --array-cols 6 --out-dir " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  // Layer 0: 64 rows in 4 blocks × 20 outputs in 7 blocks of 3; layer 1: 20 rows in 2
  // blocks × 10 outputs in 4 blocks (digital biases stay off the arrays).
  EXPECT_NE(r.out.find("2560 / 2688 (95.2 %)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("400 / 768 (52.1 %)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrote 36 arrays"), std::string::npos) << r.out;
  Reassembled back;
  reassemble(out, Layout::kInterleaved, 6, {64, 20}, {20, 10}, 16, back);
  expect_matches_model(back, file("net.h5"));
}

TEST_F(MapArraysCli, RowBiasesAndBlockedColumnsReassembleToo) {
  // The model file stores the digital mapping; map the same weights with row biases into
  // a model to compare against, through xbarmc's own model file of that mapping.
  Model m = load_model(file("net.h5"));
  m.bias_mode = BiasMode::kRow;
  m.mapping.layout = Layout::kBlocked;
  map_deployed_weights(m);
  save_model(file("net_row.h5"), m);
  const std::string out = file("maps_row");
  const CliRun r = run("map --weights " + file("net.h5") +
                       " --bias-mode row --layout blocked --array-rows 16 --array-cols 8 "
                       "--out-dir " +
                       out);
  ASSERT_EQ(r.status, 0) << r.err;
  Reassembled back;
  reassemble(out, Layout::kBlocked, 8, {65, 21}, {20, 10}, 16, back);
  expect_matches_model(back, file("net_row.h5"));
}

TEST_F(MapArraysCli, ZeroArraySizesGiveOneArrayPerLayer) {
  const std::string out = file("maps_whole");
  const CliRun r = run("map --weights " + file("net.h5") + " --out-dir " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(out + "/index.csv"),
            "array,layer,row_block,output_block,file\n0,0,0,0,array_0.csv\n1,1,0,0,array_1.csv\n");
  EXPECT_EQ(lines_of(slurp(out + "/array_0.csv")).size(), 64u * 20u + 1u);
}

TEST_F(MapArraysCli, BadArraySizesExitTwoAndLeaveNothing) {
  const auto expect_bad = [&](const std::string& args, const std::string& named) {
    const CliRun r = run("map --weights " + file("net.h5") + " " + args);
    EXPECT_EQ(r.status, 2) << args << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(file("bad_maps")));
    EXPECT_FALSE(fs::exists(file("bad.csv")));
  };
  expect_bad("--array-rows 16 --array-cols 7 --out-dir " + file("bad_maps"),
             "--array-cols 7: must be even");
  expect_bad("--array-rows 16 --array-cols 1 --out-dir " + file("bad_maps"),
             "--array-cols 1: an array is at least 1 x 2 cells");
  expect_bad("--array-rows -1 --array-cols 8 --out-dir " + file("bad_maps"),
             "--array-rows -1: an array is at least 1 x 2 cells");
  expect_bad("--out " + file("bad.csv"), "needs 2 arrays; write them with --out-dir");
  expect_bad("--out-dir " + file("bad_maps") + " --out " + file("bad.csv"), "give either --out");
}

}  // namespace
}  // namespace xbarmc
