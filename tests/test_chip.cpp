#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/errors.hpp"
#include "engine/chip_instance.hpp"
#include "engine/validate.hpp"
#include "xbarmc/chip.hpp"
#include "xbarmc/drift.hpp"

namespace xbarmc {
namespace {

constexpr double kG = 1e-9;  // a target conductance, S
constexpr double kGmin = 2.392e-12, kGmax = 4.274e-9;

struct Moments {
  double mean = 0.0, std = 0.0;
  int n = 0;
};
Moments moments(const std::vector<double>& v) {
  Moments m;
  m.n = static_cast<int>(v.size());
  for (double x : v) m.mean += x;
  m.mean /= m.n;
  for (double x : v) m.std += (x - m.mean) * (x - m.mean);
  m.std = std::sqrt(m.std / (m.n - 1));
  return m;
}
// 5σ tolerances of the sample mean and sample std of a normal sample.
void expect_normal(const Moments& m, double mean, double sigma) {
  EXPECT_NEAR(m.mean, mean, 5.0 * sigma / std::sqrt(m.n));
  EXPECT_NEAR(m.std, sigma, 5.0 * sigma / std::sqrt(2.0 * (m.n - 1)));
}

TEST(Chip, D2dFactorIsLognormalAcrossChips) {
  DeviceParams p;
  p.d2d_sigma = 0.2;
  std::vector<double> log_f;
  for (std::uint32_t chip = 0; chip < 20000; ++chip)
    log_f.push_back(std::log(d2d_factor(p, 5, chip)));
  expect_normal(moments(log_f), 0.0, 0.2);
}

TEST(Chip, LognormalC2cMatchesItsFormula) {
  DeviceParams p;
  p.c2c_sigma = 0.1;
  std::vector<double> log_ratio;
  for (std::uint32_t cell = 0; cell < 40000; ++cell) {
    log_ratio.push_back(std::log(program_cell(p, kG, 1.0, kGmin, kGmax, 9, 2, cell).g_s / kG));
  }
  expect_normal(moments(log_ratio), 0.0, 0.1);
}

TEST(Chip, GaussianC2cMatchesItsFormulaAndStaysNonNegative) {
  DeviceParams p;
  p.c2c_model = C2cModel::kGaussian;
  p.c2c_sigma = 0.05;
  std::vector<double> rel;
  for (std::uint32_t cell = 0; cell < 40000; ++cell) {
    rel.push_back(program_cell(p, kG, 1.0, kGmin, kGmax, 9, 2, cell).g_s / kG - 1.0);
  }
  expect_normal(moments(rel), 0.0, 0.05);
  p.c2c_sigma = 2.0;  // wide enough that G·(1 + σξ) is often negative
  int zeros = 0;
  for (std::uint32_t cell = 0; cell < 10000; ++cell) {
    const double g = program_cell(p, kG, 1.0, kGmin, kGmax, 9, 2, cell).g_s;
    EXPECT_GE(g, 0.0);
    zeros += g == 0.0 ? 1 : 0;
  }
  // P(ξ < −1/2) = 0.3085.
  EXPECT_NEAR(zeros / 10000.0, 0.3085, 5.0 * std::sqrt(0.3085 * 0.6915 / 10000));
}

TEST(Chip, StuckCellFractionsMatchProbabilitiesAndIgnoreVariation) {
  DeviceParams p;
  p.p_stuck_off = 0.03;
  p.p_stuck_on = 0.01;
  p.c2c_sigma = 0.5;
  p.nu_mean = 0.1;
  const int n = 100000;
  int off = 0, on = 0;
  for (std::uint32_t cell = 0; cell < static_cast<std::uint32_t>(n); ++cell) {
    const ProgrammedCell c = program_cell(p, kG, 3.0, kGmin, kGmax, 4, 1, cell);
    if (!c.stuck) continue;
    EXPECT_TRUE(c.g_s == kGmin || c.g_s == kGmax);
    (c.g_s == kGmin ? off : on) += 1;
    EXPECT_EQ(drifted_conductance(p, c, 3.0e7), c.g_s);  // stuck cells never drift
  }
  EXPECT_NEAR(off / double(n), 0.03, 5.0 * std::sqrt(0.03 * 0.97 / n));
  EXPECT_NEAR(on / double(n), 0.01, 5.0 * std::sqrt(0.01 * 0.99 / n));
}

TEST(Chip, DriftExponentIsANormalClippedAtZero) {
  DeviceParams p;
  p.nu_mean = 0.0;
  p.nu_std = 0.1;
  const int n = 40000;
  int zeros = 0;
  double sum = 0.0;
  for (std::uint32_t cell = 0; cell < static_cast<std::uint32_t>(n); ++cell) {
    const double nu = program_cell(p, kG, 1.0, kGmin, kGmax, 8, 0, cell).nu;
    EXPECT_GE(nu, 0.0);
    zeros += nu == 0.0 ? 1 : 0;
    sum += nu;
  }
  EXPECT_NEAR(zeros / double(n), 0.5, 5.0 * std::sqrt(0.25 / n));
  // E[max(0, σξ)] = σ/√(2π); Var = σ²(1/2 − 1/(2π)).
  const double mean = 0.1 / std::sqrt(2.0 * M_PI);
  const double sd = 0.1 * std::sqrt(0.5 - 1.0 / (2.0 * M_PI));
  EXPECT_NEAR(sum / n, mean, 5.0 * sd / std::sqrt(n));
}

TEST(Chip, ZeroSigmaProgramsExactlyTheTarget) {
  const DeviceParams p;
  for (std::uint32_t cell = 0; cell < 100; ++cell) {
    const ProgrammedCell c =
        program_cell(p, kG * cell, d2d_factor(p, 1, 7), kGmin, kGmax, 1, 7, cell);
    EXPECT_EQ(c.g_s, kG * cell);
    EXPECT_FALSE(c.stuck);
    EXPECT_EQ(c.nu, 0.0);
  }
}

TEST(Chip, CellDrawsDependOnlyOnSeedChipAndCell) {
  DeviceParams p;
  p.c2c_sigma = 0.3;
  p.d2d_sigma = 0.1;
  const double a = program_cell(p, kG, d2d_factor(p, 3, 17), kGmin, kGmax, 3, 17, 555).g_s;
  EXPECT_EQ(a, program_cell(p, kG, d2d_factor(p, 3, 17), kGmin, kGmax, 3, 17, 555).g_s);
  EXPECT_NE(a, program_cell(p, kG, d2d_factor(p, 3, 18), kGmin, kGmax, 3, 18, 555).g_s);
  EXPECT_NE(a, program_cell(p, kG, d2d_factor(p, 4, 17), kGmin, kGmax, 4, 17, 555).g_s);
}

TEST(Drift, PowerLawDecaysMonotonicallyWithPositiveNu) {
  DeviceParams p;
  p.t0_s = 1.0;
  ProgrammedCell c;
  c.g_s = kG;
  c.nu = 0.05;
  EXPECT_EQ(drifted_conductance(p, c, 1.0), kG);  // t = t0
  EXPECT_EQ(drifted_conductance(p, c, 0.0), kG);  // before t0: as programmed
  double last = kG;
  for (double t : {10.0, 3600.0, 86400.0, 2.6e6, 3.15e7, 3.15e8}) {
    const double g = drifted_conductance(p, c, t);
    EXPECT_LT(g, last) << t;
    EXPECT_NEAR(g, kG * std::pow(t, -0.05), 1e-12 * kG);
    last = g;
  }
}

TEST(Drift, LogTimeSpreadingFollowsItsFormulaAndClipsAtZero) {
  DeviceParams p;
  p.drift_spread = 0.1;
  ProgrammedCell c;
  c.g_s = kG;
  c.zeta = -0.5;
  const double t = 1000.0;
  EXPECT_NEAR(drifted_conductance(p, c, t), kG * (1.0 - 0.05 * std::log(t)), 1e-12 * kG);
  c.zeta = -5.0;  // 1 + 0.1·ln(1000)·(−5) < 0
  EXPECT_EQ(drifted_conductance(p, c, t), 0.0);
}

TEST(Drift, CompensationGainRestoresTheTotalRead) {
  EXPECT_DOUBLE_EQ(compensation_gain(10.0, 8.0), 1.25);
  EXPECT_EQ(compensation_gain(10.0, 0.0), 1.0);
}

TEST(ChipInstance, CompensationGainIsRatioOfSumsAtT0AndT) {
  StudyInputs in;
  in.n_in = 2;
  in.n_out = 1;
  in.g_target_s = {1e-9, 2e-9, 3e-9, 4e-9};
  in.device.nu_mean = 0.1;
  in.device.drift_compensation = true;
  in.readout.i_fs_a = 1e-9;
  in.times_s = {1.0, 100.0};
  ChipScratch scratch;
  std::vector<ReadMatrix> m;
  build_chip_matrices(in, 0, MatrixLayout::kAA2, scratch, m);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].gain, 1.0f);
  EXPECT_FLOAT_EQ(m[1].gain, static_cast<float>(std::pow(100.0, 0.1)));
  EXPECT_EQ(m[0].stride, 8);
  // a = V_read·A_eff/unit with unit = I_fs/63.
  EXPECT_FLOAT_EQ(m[0].a(0, 1), static_cast<float>(0.1 * 2e-9 / (1e-9 / 63.0)));
  EXPECT_EQ(m[0].a2(0, 1), m[0].a(0, 1) * m[0].a(0, 1));
  EXPECT_EQ(m[0].rows[8 + 1], m[0].a2(0, 1));  // kAA2: [a_0· | a2_0·], 8 floats each
  // The other layouts hold the same numbers where they keep them.
  std::vector<ReadMatrix> packed, plain;
  build_chip_matrices(in, 0, MatrixLayout::kPacked, scratch, packed);
  build_chip_matrices(in, 0, MatrixLayout::kA, scratch, plain);
  EXPECT_EQ(packed[1].row_floats, 8);  // 2 columns + 2 squares, padded to 8
  EXPECT_EQ(plain[1].row_floats, 8);
  for (int i = 0; i < 2; ++i) {
    for (int c = 0; c < 2; ++c) {
      EXPECT_EQ(packed[1].a(i, c), m[1].a(i, c));
      EXPECT_EQ(packed[1].a2(i, c), m[1].a2(i, c));
      EXPECT_EQ(packed[1].rows[static_cast<std::size_t>(i) * 8 + 2 + c], m[1].a2(i, c));
      EXPECT_EQ(plain[1].a(i, c), m[1].a(i, c));
    }
  }
}

TEST(Validate, BadParametersNameTheOption) {
  auto message = [](auto f) {
    try {
      f();
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  DeviceParams d;
  d.c2c_sigma = -0.1;
  EXPECT_NE(message([&] { validate_device(d); }).find("--c2c-sigma"), std::string::npos);
  d = DeviceParams{};
  d.p_stuck_on = 0.7;
  d.p_stuck_off = 0.4;
  EXPECT_NE(message([&] { validate_device(d); }).find("--p-stuck-on"), std::string::npos);
  d = DeviceParams{};
  d.p_stuck_off = 1.5;
  EXPECT_NE(message([&] { validate_device(d); }).find("--p-stuck-off"), std::string::npos);
  ReadoutParams r;
  r.timesteps = 0;
  EXPECT_NE(message([&] { validate_readout(r, false); }).find("--timesteps"), std::string::npos);
  r = ReadoutParams{};
  r.adc_bits = 17;
  EXPECT_NE(message([&] { validate_readout(r, false); }).find("--adc-bits"), std::string::npos);
  r = ReadoutParams{};
  r.v_read_v = 0.0;
  EXPECT_NE(message([&] { validate_readout(r, false); }).find("--v-read"), std::string::npos);
  r = ReadoutParams{};
  EXPECT_NE(message([&] { validate_readout(r, true); }).find("--full-scale"), std::string::npos);
  NeuronParams n;
  n.leak = 1.5;
  EXPECT_NE(message([&] { validate_neuron(n); }).find("--leak"), std::string::npos);
  n = NeuronParams{};
  n.threshold = 0.0;
  EXPECT_NE(message([&] { validate_neuron(n); }).find("--threshold-ratio"), std::string::npos);
  EXPECT_EQ(message([] { validate_device(DeviceParams{}); }), "no error");
}

}  // namespace
}  // namespace xbarmc
