// Measured level tables and write-verify (DESIGN §2.8): the table's validation and its
// conductances in the mapping; per-level statistics in the engines (fast == reference);
// write-verify against the truncated-normal and geometric formulas, and its limits
// (ε → ∞ and N = 1 are no verify, bit for bit).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/reference_engine.hpp"
#include "engine/simd/kernels.hpp"
#include "engine/synthetic_workload.hpp"
#include "mapping/device_table.hpp"
#include "network_cases.hpp"
#include "xbarmc/chip.hpp"
#include "xbarmc/mapping.hpp"

namespace xbarmc {
namespace {

std::string write_table(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

// 2 bits: 4 levels.
const char* kGoodTable =
    "level,g_s,c2c_sigma,nu_mean,nu_std,read_sigma\n"
    "0,1e-9,0.3,0.02,0.01,0.05\n"
    "1,2e-9,0.2,0.015,0.008,0.03\n"
    "2,5e-9,0.1,0.01,0.005,0.02\n"
    "3,1e-8,0.05,0.005,0.002,0.01\n";

std::string error_of(const std::string& text, int bits = 2) {
  const std::string path = write_table("xbarmc_table_error.csv", text);
  try {
    load_device_table(path, bits, DeviceParams{});
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceTable, ReadsEveryColumnInAnyOrder) {
  const std::string path =
      write_table("xbarmc_table_order.csv",
                  "read_sigma, g_s ,level\n0.04,3e-9,1\n0.05,1e-9,0\n0.02,9e-9,3\n0.03,4e-9,2\n");
  DeviceParams scalars;
  scalars.c2c_sigma = 0.07;
  scalars.nu_mean = 0.011;
  const DeviceTable t = load_device_table(path, 2, scalars);
  ASSERT_EQ(t.g_s.size(), 4u);
  EXPECT_EQ(t.g_s, (std::vector<double>{1e-9, 3e-9, 4e-9, 9e-9}));
  EXPECT_TRUE(t.read_sigma);
  EXPECT_FALSE(t.c2c);
  EXPECT_EQ(t.levels[1].read_sigma, 0.04);
  EXPECT_EQ(t.levels[3].read_sigma, 0.02);
  // Columns left out: the scalar options.
  EXPECT_EQ(t.levels[2].c2c_sigma, 0.07);
  EXPECT_EQ(t.levels[0].nu_mean, 0.011);
}

TEST(DeviceTable, BadTablesNameTheFileLineAndValue) {
  const std::string p =
      (std::filesystem::temp_directory_path() / "xbarmc_table_error.csv").string();
  const auto expect_error = [&](const std::string& text, const std::string& part) {
    const std::string e = error_of(text);
    EXPECT_NE(e.find(p), std::string::npos) << e;
    EXPECT_NE(e.find(part), std::string::npos) << "expected '" << part << "' in: " << e;
  };
  const std::string header = "level,g_s,c2c_sigma\n";
  expect_error(header + "0,1e-9,0.1\n1,2e-9,0.1\n2,3e-9,0.1\n", "3 levels");
  expect_error(header + "0,1e-9,0.1\n1,2e-9,0.1\n2,3e-9,0.1\n3,4e-9,0.1\n4,5e-9,0.1\n",
               ":6: level 4 is not one of 0..3");
  expect_error(header + "0,1e-9,0.1\n1,2e-9,0.1\n2,2e-9,0.1\n3,4e-9,0.1\n",
               "g_s of level 2 (2.0000000000000001e-09) is not above level 1's");
  expect_error(header + "0,1e-9,0.1\n1,2e-9,-0.1\n2,3e-9,0.1\n3,4e-9,0.1\n",
               ":3: c2c_sigma -0.1 must be >= 0");
  expect_error(header + "0,1e-9,0.1\n1,nan,0.1\n2,3e-9,0.1\n3,4e-9,0.1\n",
               ":3: g_s 'nan' is not a finite number");
  expect_error(header + "0,0,0.1\n1,2e-9,0.1\n2,3e-9,0.1\n3,4e-9,0.1\n", ":2: g_s 0 must be > 0");
  expect_error(header + "0,1e-9,0.1\n0,2e-9,0.1\n2,3e-9,0.1\n3,4e-9,0.1\n", ":3: level 0 twice");
  expect_error(header + "0,1e-9\n", ":2: 2 fields, the header has 3");
  expect_error("level,g_s,sigma\n", ":1: unknown column 'sigma'");
  expect_error("g_s,c2c_sigma\n", "needs the column level");
  EXPECT_NE(error_of(kGoodTable, 3).find("4 levels, --weight-bits 3 needs 8"), std::string::npos);
  try {
    load_device_table("/nonexistent/table.csv", 2, DeviceParams{});
    ADD_FAILURE() << "a missing file must be an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/table.csv"), std::string::npos);
  }
}

TEST(DeviceTable, ItsConductancesAreTheLevelsOfTheMapping) {
  const DeviceTable t =
      load_device_table(write_table("xbarmc_table_good.csv", kGoodTable), 2, DeviceParams{});
  MappingParams p;
  p.weight_bits = 2;
  p = with_device_table(p, t);
  EXPECT_EQ(p.g_min_s(), 1e-9);
  EXPECT_EQ(p.g_max_s(), 1e-8);
  const LevelTable levels = make_level_table(p);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(levels.g_s[k], t.g_s[static_cast<std::size_t>(k)]);
  // Nearest-level rule on G/g_max: 0.1, 0.2, 0.5, 1.0 — 0.34 is nearer 0.2 than 0.5,
  // 0.36 nearer 0.5.
  EXPECT_EQ(nearest_level(levels, 0.34), 1);
  EXPECT_EQ(nearest_level(levels, 0.36), 2);
  EXPECT_EQ(nearest_level(levels, 0.8), 3);
  // A table without g_s keeps the computed levels.
  const DeviceTable no_g = load_device_table(
      write_table("xbarmc_table_no_g.csv", "level,c2c_sigma\n0,0.1\n1,0.1\n2,0.1\n3,0.1\n"), 2,
      DeviceParams{});
  MappingParams q;
  q.weight_bits = 2;
  EXPECT_EQ(make_level_table(with_device_table(q, no_g)).g_s[1], make_level_table(q).g_s[1]);
}

// Programs n cells of one target through chip.hpp with write-verify and returns the
// factors kept (g / target) and the outcomes.
struct VerifySample {
  std::vector<double> factors;
  double pulses = 0.0, failed = 0.0;
};
VerifySample verify_sample(C2cModel model, double sigma, double eps, int max_pulses, int n) {
  DeviceParams p;
  p.c2c_model = model;
  p.c2c_sigma = sigma;
  p.verify = true;
  p.verify_tolerance = eps;
  p.verify_max_pulses = max_pulses;
  VerifySample s;
  for (int c = 0; c < n; ++c) {
    const auto cell = static_cast<std::uint32_t>(c);
    VerifyOutcome v;
    const ProgrammedCell pc = program_level_cell(p, scalar_level_device(p), 1e-6, 1.0, 1e-9, 1e-5,
                                                 cell_draws(p, 9, 3, cell), 9, 3, cell, &v);
    s.factors.push_back(pc.g_s / 1e-6);
    s.pulses += v.pulses;
    s.failed += v.failed ? 1 : 0;
  }
  return s;
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}
double normal_pdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
}

// Gaussian C2C, |σξ| ≤ ε kept: f − 1 = σξ with ξ normal truncated to |ξ| ≤ a = ε/σ, whose
// variance is σ²·(1 − 2aφ(a)/(2Φ(a) − 1)). With N = 60 pulses a miss is (1 − p)^60 ≈ 0.
TEST(WriteVerify, NarrowsTheSpreadAsTheTruncatedNormalPredicts) {
  const double sigma = 0.1;
  for (double eps : {0.03, 0.08, 0.15}) {
    const int n = 40000;
    const VerifySample s = verify_sample(C2cModel::kGaussian, sigma, eps, 60, n);
    const double a = eps / sigma;
    const double p = 2.0 * normal_cdf(a) - 1.0;
    const double var = sigma * sigma * (1.0 - 2.0 * a * normal_pdf(a) / p);
    double m2 = 0.0, m4 = 0.0;
    for (double f : s.factors) {
      const double d = f - 1.0;
      EXPECT_LE(std::fabs(d), eps + 1e-12);
      m2 += d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m4 /= n;
    const double se = std::sqrt((m4 - m2 * m2) / n);
    EXPECT_NEAR(m2, var, 5.0 * se) << "eps " << eps;
    // Pulses: geometric with success p, capped at 60: E = (1 − (1 − p)^60)/p.
    const double mean_pulses = s.pulses / n;
    const double expected = (1.0 - std::pow(1.0 - p, 60)) / p;
    const double se_pulses = std::sqrt((1.0 - p) / (p * p) / n);
    EXPECT_NEAR(mean_pulses, expected, 5.0 * se_pulses) << "eps " << eps;
  }
}

// Few pulses: the fraction that still misses after N is (1 − p)^N (lognormal factor:
// p = P(ln(1 − ε) ≤ σξ ≤ ln(1 + ε))).
TEST(WriteVerify, MissesAfterTheLastPulseAsOftenAsTheGeometricLawSays) {
  const double sigma = 0.1, eps = 0.05;
  const int n = 40000, max_pulses = 3;
  const VerifySample s = verify_sample(C2cModel::kLognormal, sigma, eps, max_pulses, n);
  const double p =
      normal_cdf(std::log(1.0 + eps) / sigma) - normal_cdf(std::log(1.0 - eps) / sigma);
  const double miss = std::pow(1.0 - p, max_pulses);
  EXPECT_NEAR(s.failed / n, miss, 5.0 * std::sqrt(miss * (1.0 - miss) / n));
}

StudyInputs verify_network() {
  SyntheticNetworkSpec spec;
  spec.n_in = 40;
  spec.hidden = {20};
  spec.n_out = 6;
  spec.n_images = 40;
  spec.timesteps = 6;
  spec.array_rows = 16;
  spec.array_cols = 10;
  spec.seed = 4;
  StudyInputs in = make_synthetic_network(spec);
  in.device.d2d_sigma = 0.05;
  in.device.a2a_sigma = 0.1;
  in.device.c2c_sigma = 0.25;
  in.device.p_stuck_on = 0.01;
  in.device.p_stuck_off = 0.01;
  in.device.read_sigma = 0.05;
  return in;
}

ChipBatchResult run(Engine& e, const StudyInputs& in) {
  ChipBatchResult r;
  e.run(in, 2, 6, r);
  return r;
}

using testing_networks::expect_same_counts;

TEST(WriteVerify, AnInfiniteToleranceOrOnePulseIsNoVerifyBitForBit) {
  const StudyInputs off = verify_network();
  CpuEngine cpu(2);
  const ChipBatchResult expected = run(cpu, off);
  for (const auto& [eps, pulses] : {std::pair<double, int>{INFINITY, 10}, {0.01, 1}}) {
    StudyInputs on = off;
    on.device.verify = true;
    on.device.verify_tolerance = eps;
    on.device.verify_max_pulses = pulses;
    const ChipBatchResult r = run(cpu, on);
    const std::string what = "eps " + std::to_string(eps) + ", N " + std::to_string(pulses);
    testing_networks::expect_same_inference_counts(r, expected, what);
    for (std::size_t c = 0; c < r.verify_cells.size(); ++c) {
      // One pulse per non-stuck cell; misses only where N = 1 cut the verify short.
      EXPECT_GT(r.verify_cells[c], 0u);
      EXPECT_EQ(r.verify_pulses[c], r.verify_cells[c]) << what;
      if (std::isinf(eps)) {
        EXPECT_EQ(r.verify_failures[c], 0u) << what;
      } else {
        EXPECT_GT(r.verify_failures[c], r.verify_cells[c] / 2) << what;
      }
    }
  }
  // The cells counted are the non-stuck physical cells: about 98 % of all of them.
  ChipBatchResult r;
  StudyInputs on = off;
  on.device.verify = true;
  on.device.verify_tolerance = 0.05;
  cpu.run(on, 0, 1, r);
  std::size_t physical = 0;
  for (const LayerInputs& l : on.layers) {
    const int row_blocks = (l.rows() + 15) / 16, out_blocks = (l.n_out + 4) / 5;
    physical += static_cast<std::size_t>(row_blocks) * out_blocks * 16 * 10;
  }
  EXPECT_LT(r.verify_cells[0], physical);
  EXPECT_GT(r.verify_cells[0], physical * 95 / 100);
  EXPECT_GT(r.verify_pulses[0], r.verify_cells[0]);  // a tight tolerance takes retries
}

TEST(WriteVerify, TighterToleranceBringsChipsNearerTheNominalOne) {
  StudyInputs in = verify_network();
  in.device.p_stuck_on = in.device.p_stuck_off = 0.0;
  in.device.d2d_sigma = in.device.a2a_sigma = 0.0;
  in.device.c2c_sigma = 0.6;
  in.device.read_sigma = 0.0;
  CpuEngine cpu(2);
  StudyInputs nominal = in;
  nominal.device.c2c_sigma = 0.0;
  const ChipBatchResult ideal = run(cpu, nominal);
  const auto distance = [&](const ChipBatchResult& r) {
    long d = 0;
    for (std::size_t i = 0; i < r.layer_spikes.size(); ++i) {
      d += std::labs(static_cast<long>(r.layer_spikes[i]) -
                     static_cast<long>(ideal.layer_spikes[i]));
    }
    return d;
  };
  StudyInputs verified = in;
  verified.device.verify = true;
  verified.device.verify_tolerance = 0.02;
  verified.device.verify_max_pulses = 200;
  EXPECT_LT(distance(run(cpu, verified)) * 3, distance(run(cpu, in)));
}

TEST(DeviceTable, PerLevelStatisticsAndVerifyFastEqualsReference) {
  StudyInputs in = verify_network();
  testing_networks::use_four_level_statistics(in);
  in.times_s = {1.0, 86400.0};
  for (bool level_read : {false, true}) {
    for (bool verify : {false, true}) {
      StudyInputs v = in;
      v.level_read_sigma = level_read;
      v.device.verify = verify;
      v.device.verify_tolerance = 0.1;
      ReferenceEngine reference;
      const ChipBatchResult ref = run(reference, v);
      const std::string what = std::string("level read σ ") + (level_read ? "on" : "off") +
                               ", verify " + (verify ? "on" : "off");
      for (const simd::Kernels* k :
           {&simd::scalar_kernels(), simd::avx2_kernels(), simd::avx512_kernels()}) {
        if (!k) continue;
        CpuEngine fast(2, k);
        const ChipBatchResult r = run(fast, v);
        expect_same_counts(r, ref, what + " [" + k->name + "]");
      }
      // The statistics change the counts (the table is read).
      StudyInputs scalar = v;
      scalar.level_device.clear();
      scalar.level_read_sigma = false;
      EXPECT_NE(run(reference, scalar).layer_spikes, ref.layer_spikes) << what;
    }
  }
}

}  // namespace
}  // namespace xbarmc
