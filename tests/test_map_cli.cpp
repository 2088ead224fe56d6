// `xbarmc map` end to end (DESIGN §3): the binary runs on files in a temporary
// directory; outputs are checked line by line against the library's mapping, and
// every kind of bad input must give exit status 2, one line and no output file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv_matrix.hpp"
#include "io/h5.hpp"
#include "io/npy.hpp"
#include "mapping/map_layer.hpp"
#include "train/model.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;

struct RunResult {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A deterministic 10 × 64 matrix with both signs, zeros and a clear maximum.
MatrixD example_weights() {
  MatrixD w(10, 64);
  for (int j = 0; j < 10; ++j) {
    for (int i = 0; i < 64; ++i) {
      w(j, i) = (i % 9 == 4) ? 0.0 : 0.6 * std::sin(0.7 * j + 0.31 * i) * std::cos(0.05 * i);
    }
  }
  w(3, 17) = -0.8;
  return w;
}

class MapCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xbarmc_test_map_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    write_csv_matrix(path("w.csv"), example_weights());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_text(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  RunResult run(const std::string& args) const {
    const std::string cmd = std::string(XBARMC_BINARY) + " " + args + " >" + path("stdout.txt") +
                            " 2>" + path("stderr.txt");
    const int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir_ / "stdout.txt");
    r.err = slurp(dir_ / "stderr.txt");
    fs::remove(dir_ / "stdout.txt");
    fs::remove(dir_ / "stderr.txt");
    return r;
  }

  // Files in the directory other than the inputs: outputs and leftovers.
  std::vector<std::string> outputs(const std::vector<std::string>& inputs) const {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (std::find(inputs.begin(), inputs.end(), name) == inputs.end()) found.push_back(name);
    }
    return found;
  }

  fs::path dir_;
};

TEST_F(MapCli, TenBySixtyFourMatrixGives640RowsInTheExactFormat) {
  const RunResult r = run("map --weights " + path("w.csv") + " --out " + path("map.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<std::string> lines = lines_of(slurp(dir_ / "map.csv"));
  ASSERT_EQ(lines.size(), 641u);
  EXPECT_EQ(lines[0], "row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg");

  const MappingParams params;
  const MappedLayer m = map_layer(example_weights(), params);
  const std::regex row_format(R"((\d+),(\d+),(\d+),(\d+),(\d+),([0-9.]+e-\d\d),([0-9.]+e-\d\d))");
  const std::regex nine_digits(R"(\d\.\d{8,}e-\d\d)");  // ≥ 9 significant digits
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 10; ++j) {
      const std::string& line = lines[1 + static_cast<std::size_t>(i) * 10 + j];
      std::smatch f;
      ASSERT_TRUE(std::regex_match(line, f, row_format)) << line;
      EXPECT_EQ(std::stoi(f[1]), i) << line;
      EXPECT_EQ(std::stoi(f[2]), 2 * j) << line;
      EXPECT_EQ(std::stoi(f[3]), 2 * j + 1) << line;
      EXPECT_EQ(std::stoi(f[4]), m.level_pos(i, j)) << line;
      EXPECT_EQ(std::stoi(f[5]), m.level_neg(i, j)) << line;
      const LevelTable t = make_level_table(params);
      EXPECT_NEAR(std::stod(f[6]), t.g_s[m.level_pos(i, j)], 1e-11 * params.g_max_s()) << line;
      EXPECT_NEAR(std::stod(f[7]), t.g_s[m.level_neg(i, j)], 1e-11 * params.g_max_s()) << line;
      const std::string g_pos = f[6], g_neg = f[7];
      EXPECT_TRUE(std::regex_match(g_pos, nine_digits)) << line;
      EXPECT_TRUE(std::regex_match(g_neg, nine_digits)) << line;
    }
  }
  // The largest |W| is the −0.8 at (output 3, input 17): g_max on its negative column.
  EXPECT_EQ(lines[1 + 17 * 10 + 3].substr(0, 16), "17,6,7,0,15,2.39");
  // The summary names the shape, shared_max and the error of W_q.
  EXPECT_NE(r.out.find("10 outputs x 64 inputs, shared_max 0.8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cells per level"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("|W - W_q|: mean"), std::string::npos) << r.out;
}

TEST_F(MapCli, ShippedExampleMapsTo640Rows) {
  const std::string example = std::string(XBARMC_SOURCE_DIR) + "/examples/weights_10x64.csv";
  const MatrixD w = read_csv_matrix(example);
  ASSERT_EQ(w.rows, 10);
  ASSERT_EQ(w.cols, 64);
  const RunResult r = run("map --weights " + example + " --out " + path("ex.csv") +
                          " --bl-sel-out " + path("bl.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(slurp(dir_ / "ex.csv")).size(), 641u);
  EXPECT_EQ(lines_of(slurp(dir_ / "bl.csv")).size(), 21u);
  char shared_max[64];
  std::snprintf(shared_max, sizeof shared_max, "shared_max %.6g\n", map_layer(w, {}).shared_max);
  EXPECT_NE(r.out.find(shared_max), std::string::npos) << r.out;
}

TEST_F(MapCli, LayoutsGiveIdenticalLevelsAndOnlyColumnsDiffer) {
  ASSERT_EQ(run("map --weights " + path("w.csv") + " --out " + path("a.csv")).status, 0);
  ASSERT_EQ(
      run("map --layout blocked --weights " + path("w.csv") + " --out " + path("b.csv")).status, 0);
  const std::vector<std::string> a = lines_of(slurp(dir_ / "a.csv"));
  const std::vector<std::string> b = lines_of(slurp(dir_ / "b.csv"));
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a[0], b[0]);
  for (std::size_t k = 1; k < a.size(); ++k) {
    const MatrixD ra = parse_csv_matrix(a[k], "a.csv"), rb = parse_csv_matrix(b[k], "b.csv");
    const int j = static_cast<int>((k - 1) % 10);
    EXPECT_EQ(ra(0, 0), rb(0, 0));  // row
    EXPECT_EQ(ra(0, 1), 2 * j);
    EXPECT_EQ(ra(0, 2), 2 * j + 1);
    EXPECT_EQ(rb(0, 1), j);  // blocked: RTL "0–9 positive, 10–19 negative"
    EXPECT_EQ(rb(0, 2), 10 + j);
    for (int c = 3; c < 7; ++c) EXPECT_EQ(ra(0, c), rb(0, c)) << a[k] << " / " << b[k];
  }
}

TEST_F(MapCli, BlSelTableMapsRtlOrderToPhysicalColumns) {
  for (const std::string layout : {"interleaved", "blocked"}) {
    const RunResult r = run("map --weights " + path("w.csv") + " --out " + path("m.csv") +
                            " --layout " + layout + " --bl-sel-out " + path("bl.csv"));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::vector<std::string> lines = lines_of(slurp(dir_ / "bl.csv"));
    ASSERT_EQ(lines.size(), 21u);
    EXPECT_EQ(lines[0], "bl_sel,output,sign,column");
    for (int s = 0; s < 20; ++s) {
      const int j = s % 10;
      const bool pos = s < 10;
      const int column = layout == "blocked" ? s : (pos ? 2 * j : 2 * j + 1);
      EXPECT_EQ(lines[1 + s], std::to_string(s) + "," + std::to_string(j) + "," +
                                  (pos ? "pos" : "neg") + "," + std::to_string(column));
    }
  }
}

TEST_F(MapCli, H5OutHoldsLevelsTargetsAndParameters) {
  const RunResult r =
      run("map --weights " + path("w.csv") + " --out " + path("m.csv") +
          " --weight-bits 3 --spacing linear --r-on 1e4 --r-off 1e6 --h5-out " + path("m.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  MappingParams p;
  p.weight_bits = 3;
  p.spacing = Spacing::kLinear;
  p.r_on_ohm = 1e4;
  p.r_off_ohm = 1e6;
  const MappedLayer want = map_layer(example_weights(), p);
  const h5::File f = h5::File::open(path("m.h5"));
  EXPECT_EQ(f.string_attribute("format"), "xbarmc-mapping");
  const h5::Group g = f.open_group("mapping");
  EXPECT_EQ(g.int_attribute("weight_bits"), 3);
  EXPECT_EQ(g.double_attribute("r_on_ohm"), 1e4);
  EXPECT_EQ(g.string_attribute("spacing"), "linear");
  EXPECT_EQ(g.string_attribute("layout"), "interleaved");
  EXPECT_EQ(g.double_attribute("shared_max"), 0.8);
  const h5::Array<std::int32_t> pos = g.read<std::int32_t>("levels_pos");
  EXPECT_EQ(pos.shape, (h5::Shape{64, 10}));
  EXPECT_EQ(std::vector<int>(pos.data.begin(), pos.data.end()), want.levels_pos);
  const h5::Array<double> g_target = g.read<double>("g_target");
  EXPECT_EQ(g_target.shape, (h5::Shape{64, 20}));
  EXPECT_EQ(g_target.data, want.g_target_s);
  EXPECT_EQ(g.read<double>("w_quantized").data, want.w_q.data);
}

TEST_F(MapCli, NpyAndModelFilesGiveTheSameMapAsCsv) {
  ASSERT_EQ(run("map --weights " + path("w.csv") + " --out " + path("from_csv.csv")).status, 0);
  write_npy_matrix(path("w.npy"), example_weights());
  const RunResult npy = run("map --weights " + path("w.npy") + " --out " + path("from_npy.csv"));
  ASSERT_EQ(npy.status, 0) << npy.err;
  EXPECT_EQ(slurp(dir_ / "from_npy.csv"), slurp(dir_ / "from_csv.csv"));

  Model model;
  model.features.lo.assign(kNumFeatures, 0.0);
  model.features.hi.assign(kNumFeatures, 1.0);
  model.w_float = example_weights();
  model.w_deployed = example_weights();
  map_deployed_weights(model);
  save_model(path("model.h5"), model);
  const RunResult h5 = run("map --weights " + path("model.h5") + " --out " + path("from_h5.csv"));
  ASSERT_EQ(h5.status, 0) << h5.err;
  EXPECT_EQ(slurp(dir_ / "from_h5.csv"), slurp(dir_ / "from_csv.csv"));
}

TEST_F(MapCli, OptionsCanComeFromATomlConfig) {
  write_text("map.toml", "weights = \"" + path("w.csv") + "\"\nout = \"" + path("c.csv") +
                             "\"\nweight-bits = 2\nlayout = \"blocked\"\n");
  const RunResult r = run("map --config " + path("map.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = lines_of(slurp(dir_ / "c.csv"));
  ASSERT_EQ(lines.size(), 641u);
  EXPECT_EQ(lines[1 + 17 * 10 + 3].substr(0, 12), "17,3,13,0,3,");  // 2 bits: top level 3
}

// A version 1.0 .npy file holding one int64: a dtype `map` must reject.
std::string npy_int64_1x1() {
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  return bytes + header + std::string(8, '\0');
}

struct BadInput {
  const char* name;
  const char* file;      // input file to create ("" for none)
  std::string content;   // its content
  const char* args;      // after "map"; {in} and {dir} are replaced
  const char* expected;  // must appear in the one-line message; {in} replaced
};

const BadInput kBadInputs[] = {
    {"missing file", "", "", "--weights {dir}/nope.csv", "{dir}/nope.csv"},
    {"empty csv", "e.csv", "", "--weights {in}", "{in}: empty file"},
    {"ragged csv", "r.csv", "1,2,3\n4,5\n", "--weights {in}", "{in}:2: 2 values, expected 3"},
    {"text in csv", "t.csv", "w0,w1\n1,2\n", "--weights {in}", "{in}:1: value 1 'w0'"},
    {"nan in csv", "n.csv", "1,2\n3,NaN\n", "--weights {in}",
     "{in}:2: value 2 'NaN' is not finite"},
    {"inf in csv", "i.csv", "1,-inf\n", "--weights {in}", "{in}:1: value 2 '-inf' is not finite"},
    {"bad npy magic", "b.npy", "1,2\n", "--weights {in}", "{in}: not a .npy file"},
    {"npy int dtype", "d.npy", npy_int64_1x1(), "--weights {in}",
     "{in}: dtype '<i8' is not supported"},
    {"not a model", "m.h5", "plain text", "--weights {in}", "{in}: not an HDF5 file"},
    {"unknown extension", "w.txt", "1,2\n", "--weights {in}",
     "{in}: unknown weights format '.txt'"},
    {"bits 0", "", "", "--weights {dir}/w.csv --weight-bits 0", "--weight-bits 0: must be in 1..8"},
    {"bits 9", "", "", "--weights {dir}/w.csv --weight-bits 9", "--weight-bits 9: must be in 1..8"},
    {"r_on above r_off", "", "", "--weights {dir}/w.csv --r-on 1e12",
     "--r-on 1e+12 must be below --r-off 4.18e+11"},
    {"r_on equal r_off", "", "", "--weights {dir}/w.csv --r-on 5e5 --r-off 5e5",
     "--r-on 500000 must be below --r-off 500000"},
    {"negative r_on", "", "", "--weights {dir}/w.csv --r-on -1", "--r-on -1: a resistance"},
    {"zero r_off", "", "", "--weights {dir}/w.csv --r-off 0", "--r-off 0: a resistance"},
    {"bad spacing", "", "", "--weights {dir}/w.csv --spacing cubic", "--spacing"},
    {"bad bl-sel path", "", "", "--weights {dir}/w.csv --bl-sel-out {dir}/no/dir/bl.csv",
     "{dir}/no/dir/bl.csv"},
    {"bad h5 path", "", "", "--weights {dir}/w.csv --h5-out {dir}/no/dir/m.h5",
     "{dir}/no/dir/m.h5"},
    // Two outputs on one path used to leave the --out file behind with exit 2.
    {"bl-sel on out", "", "", "--weights {dir}/w.csv --bl-sel-out {dir}/out.csv",
     "--bl-sel-out {dir}/out.csv is the --out file"},
    {"h5 on out", "", "", "--weights {dir}/w.csv --h5-out {dir}/./out.csv",
     "--h5-out {dir}/./out.csv is the --out file"},
    // 1/R_on overflows: g_max = inf used to map every weight to level 0.
    {"denormal r_on", "", "", "--weights {dir}/w.csv --r-on 1e-320", "--r-on 9.99989e-321"},
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

TEST_F(MapCli, BadInputExitsWithStatus2OneLineAndNoOutputFile) {
  for (const BadInput& bad : kBadInputs) {
    SCOPED_TRACE(bad.name);
    std::vector<std::string> inputs{"w.csv"};
    if (*bad.file != '\0') {
      write_text(bad.file, bad.content);
      inputs.push_back(bad.file);
    }
    const std::string in = path(bad.file);
    const auto fill = [&](const std::string& s) {
      return replace_all(replace_all(s, "{in}", in), "{dir}", dir_.string());
    };
    const RunResult r = run("map " + fill(bad.args) + " --out " + path("out.csv"));
    EXPECT_EQ(r.status, 2) << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find(fill(bad.expected)), std::string::npos) << r.err;
    EXPECT_EQ(outputs(inputs), std::vector<std::string>{}) << "output left behind";
    if (*bad.file != '\0') fs::remove(dir_ / bad.file);
  }
}

}  // namespace
}  // namespace xbarmc
