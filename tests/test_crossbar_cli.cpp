// `xbarmc crossbar solve` end to end (DESIGN §3): the binary runs on CSV files in a
// temporary directory; its currents are compared with Vᵀ·A_eff from the independent
// sparse nodal solver, and every kind of bad input must give exit status 2, one line on
// stderr naming the culprit and no output file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv_matrix.hpp"
#include "nodal_reference.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 16, kCols = 8, kVectors = 3;

// Cells of 1–100 kΩ (strong IR-drop with 2 Ω / 3 Ω wires), inputs of −0.2..0.2 V.
MatrixD example_conductances() {
  const Stream s = make_stream(7, Purpose::kCellProgram, 99);
  MatrixD g(kRows, kCols);
  for (int e = 0; e < kRows * kCols; ++e)
    g.data[e] =
        1.0 / std::pow(10.0, 3.0 + 2.0 * stream_uniform_double(s, static_cast<std::uint32_t>(e)));
  return g;
}

MatrixD example_voltages() {
  const Stream s = make_stream(7, Purpose::kInputSpikes, 99);
  MatrixD v(kRows, kVectors);
  for (int e = 0; e < kRows * kVectors; ++e)
    v.data[e] = 0.4 * stream_uniform_double(s, static_cast<std::uint32_t>(e)) - 0.2;
  return v;
}

// I[k][j] = Σ_i V[i][k]·A[i][j].
MatrixD currents(const MatrixD& v, const std::vector<double>& a, int n_cols) {
  MatrixD out(v.cols, n_cols);
  for (int k = 0; k < v.cols; ++k)
    for (int i = 0; i < v.rows; ++i)
      for (int j = 0; j < n_cols; ++j) out(k, j) += v(i, k) * a[i * n_cols + j];
  return out;
}

void expect_close(const MatrixD& got, const MatrixD& want, double rel) {
  ASSERT_EQ(got.rows, want.rows);
  ASSERT_EQ(got.cols, want.cols);
  double scale = 0.0;
  for (double x : want.data) scale = std::max(scale, std::abs(x));
  for (std::size_t e = 0; e < got.data.size(); ++e)
    EXPECT_NEAR(got.data[e], want.data[e], rel * std::max(std::abs(want.data[e]), 1e-6 * scale))
        << "entry " << e;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunResult {
  int status = -1;
  std::string out, err;
};

class CrossbarCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xbarmc_test_crossbar_cli_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    g_ = example_conductances();
    v_ = example_voltages();
    write_csv_matrix(path("g.csv"), g_);
    write_csv_matrix(path("v.csv"), v_);
    MatrixD r = g_;
    for (double& x : r.data) x = 1.0 / x;
    write_csv_matrix(path("r.csv"), r);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_text(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  RunResult run(const std::string& args) const {
    const std::string cmd = std::string(XBARMC_BINARY) + " crossbar solve " + args + " >" +
                            path("stdout.txt") + " 2>" + path("stderr.txt");
    const int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir_ / "stdout.txt");
    r.err = slurp(dir_ / "stderr.txt");
    fs::remove(dir_ / "stdout.txt");
    fs::remove(dir_ / "stderr.txt");
    return r;
  }
  std::string inputs() const {
    return "--conductances " + path("g.csv") + " --voltages " + path("v.csv");
  }

  fs::path dir_;
  MatrixD g_, v_;
};

TEST_F(CrossbarCli, NodalCurrentsMatchTheIndependentSolver) {
  const RunResult r = run(inputs() + " --r-wl 2 --r-bl 3 --model nodal --out " + path("i.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  const MatrixD got = read_csv_matrix(path("i.csv"));
  const std::vector<double> a = test::reference_a_eff_sparse(g_.data, kRows, kCols, 2.0, 3.0);
  expect_close(got, currents(v_, a, kCols), 1e-9);
  // The wires matter here: the ideal Vᵀ·G is off by much more than the tolerance.
  const MatrixD ideal = currents(v_, g_.data, kCols);
  EXPECT_GT(std::abs(ideal(0, 0) - got(0, 0)), 1e-3 * std::abs(got(0, 0)));
}

TEST_F(CrossbarCli, WritesAtLeastTwelveSignificantDigits) {
  const RunResult r = run(inputs() + " --r-wl 2 --r-bl 3 --out " + path("i.csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream text(slurp(dir_ / "i.csv"));
  const std::regex twelve_digits(R"(-?\d\.?\d{11,}(e[-+]\d+)?)");
  int lines = 0;
  for (std::string line; std::getline(text, line); ++lines) {
    std::istringstream fields(line);
    int n = 0;
    for (std::string f; std::getline(fields, f, ','); ++n)
      EXPECT_TRUE(std::regex_match(f, twelve_digits)) << f;
    EXPECT_EQ(n, kCols);
  }
  EXPECT_EQ(lines, kVectors);
}

TEST_F(CrossbarCli, PrintsToStandardOutputWithoutOut) {
  const RunResult to_file = run(inputs() + " --r-wl 2 --r-bl 3 --out " + path("i.csv"));
  ASSERT_EQ(to_file.status, 0) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  const RunResult to_stdout = run(inputs() + " --r-wl 2 --r-bl 3");
  ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, slurp(dir_ / "i.csv"));
}

TEST_F(CrossbarCli, ResistancesAreTheInverseOfConductances) {
  const RunResult from_g = run(inputs() + " --r-wl 2 --r-bl 3");
  const RunResult from_r =
      run("--resistances " + path("r.csv") + " --voltages " + path("v.csv") + " --r-wl 2 --r-bl 3");
  ASSERT_EQ(from_g.status, 0) << from_g.err;
  ASSERT_EQ(from_r.status, 0) << from_r.err;
  expect_close(parse_csv_matrix(from_r.out, "r"), parse_csv_matrix(from_g.out, "g"), 1e-14);
}

TEST_F(CrossbarCli, NoneAndFirstOrderModels) {
  const RunResult none = run(inputs() + " --r-wl 2 --r-bl 3 --model none");
  ASSERT_EQ(none.status, 0) << none.err;
  expect_close(parse_csv_matrix(none.out, "none"), currents(v_, g_.data, kCols), 1e-15);
  // first_order: A = G ∘ (1 − r_wl·G·M_wl − r_bl·M_bl·G), by the plain sums.
  const double r_wl = 0.01, r_bl = 0.02;
  std::vector<double> a(g_.data.size());
  for (int i = 0; i < kRows; ++i)
    for (int j = 0; j < kCols; ++j) {
      double gm = 0.0, mg = 0.0;
      for (int jp = 0; jp < kCols; ++jp) gm += g_(i, jp) * (std::min(j, jp) + 1);
      for (int ip = 0; ip < kRows; ++ip) mg += (kRows - std::max(i, ip)) * g_(ip, j);
      a[i * kCols + j] = g_(i, j) * (1.0 - r_wl * gm - r_bl * mg);
    }
  const RunResult first = run(inputs() + " --r-wl 0.01 --r-bl 0.02 --model first_order");
  ASSERT_EQ(first.status, 0) << first.err;
  expect_close(parse_csv_matrix(first.out, "first_order"), currents(v_, a, kCols), 1e-12);
}

TEST_F(CrossbarCli, ReadsOptionsFromAConfigSection) {
  write_text("c.toml", "[crossbar.solve]\nconductances = \"" + path("g.csv") + "\"\nvoltages = \"" +
                           path("v.csv") + "\"\nr-wl = 2.0\nr-bl = 3.0\n");
  const RunResult from_config = run("--config " + path("c.toml"));
  const RunResult from_args = run(inputs() + " --r-wl 2 --r-bl 3");
  ASSERT_EQ(from_config.status, 0) << from_config.err;
  EXPECT_EQ(from_config.out, from_args.out);
}

TEST_F(CrossbarCli, ReadsFlatConfigKeysAndCommandLineWins) {
  write_text("flat.toml", "conductances = \"" + path("g.csv") + "\"\nvoltages = \"" +
                              path("v.csv") + "\"\nr-wl = 9.0\nr-bl = 3.0\nmodel = \"nodal\"\n");
  const RunResult from_config = run("--config " + path("flat.toml") + " --r-wl 2");
  const RunResult from_args = run(inputs() + " --r-wl 2 --r-bl 3");
  ASSERT_EQ(from_config.status, 0) << from_config.err;
  EXPECT_EQ(from_config.out, from_args.out);
}

TEST_F(CrossbarCli, BadInputExitsWithStatusTwoOneLineAndNoOutput) {
  write_text("g_negative.csv", "1e-3,2e-3\n-5e-4,1e-3\n");
  write_text("g_nan.csv", "1e-3,nan\n5e-4,1e-3\n");
  write_text("r_zero.csv", "1000,0\n2000,1000\n");
  write_text("r_tiny.csv", "1000,1000\n2000,1e-320\n");  // 1/R overflows
  write_text("g_ones.csv", "1,1\n1,1\n");
  write_text("v_2rows.csv", "0.1\n0.2\n");
  write_text("g_2x2.csv", "1e-3,2e-3\n5e-4,1e-3\n");
  write_text("v_3rows.csv", "0.1\n0.2\n0.3\n");
  write_text("v_ragged.csv", "0.1,0.2\n0.3\n");
  const std::string v2 = " --voltages " + path("v.csv");
  struct Case {
    std::string args, must_name;
  };
  const std::vector<Case> cases = {
      {"--conductances " + path("missing.csv") + v2 + " --r-wl 1 --r-bl 1", "missing.csv"},
      {"--conductances " + path("g_2x2.csv") + " --voltages " + path("v_3rows.csv") +
           " --r-wl 1 --r-bl 1",
       "v_3rows.csv"},
      {"--conductances " + path("g.csv") + " --voltages " + path("v_ragged.csv") +
           " --r-wl 1 --r-bl 1",
       "v_ragged.csv"},
      {"--conductances " + path("g_negative.csv") + v2 + " --r-wl 1 --r-bl 1", "g_negative.csv:2"},
      {"--conductances " + path("g_nan.csv") + v2 + " --r-wl 1 --r-bl 1", "g_nan.csv:1"},
      {"--resistances " + path("r_zero.csv") + v2 + " --r-wl 1 --r-bl 1", "r_zero.csv:1"},
      // Each value valid, the solve not: no NaN currents (they used to be printed).
      {"--resistances " + path("r_tiny.csv") + " --voltages " + path("v_2rows.csv") +
           " --r-wl 1 --r-bl 1",
       "r_tiny.csv:2"},
      {"--conductances " + path("g_ones.csv") + " --voltages " + path("v_2rows.csv") +
           " --r-wl 1e308 --r-bl 1e308",
       "not finite"},
      {inputs() + " --r-wl -1 --r-bl 1", "--r-wl"},
      {inputs() + " --r-wl 1 --r-bl nan", "--r-bl"},
      {inputs() + " --r-wl 1 --r-bl 1 --model second_order", "--model"},
      {inputs() + " --resistances " + path("r.csv") + " --r-wl 1 --r-bl 1", "--resistances"},
      {"--voltages " + path("v.csv") + " --r-wl 1 --r-bl 1", "--conductances"},
      {"--conductances " + path("g.csv") + v2 + " --r-bl 1", "--r-wl"},
  };
  for (const Case& c : cases) {
    const RunResult r = run(c.args + " --out " + path("i.csv"));
    EXPECT_EQ(r.status, 2) << c.args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.must_name), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << c.args;
    EXPECT_FALSE(fs::exists(dir_ / "i.csv")) << c.args;
    std::vector<std::string> leftovers;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().rfind("i.csv", 0) == 0) leftovers.push_back(e.path());
    EXPECT_TRUE(leftovers.empty()) << c.args;
  }
}

}  // namespace
}  // namespace xbarmc
