#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/calibration.hpp"
#include "engine/chip_instance.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/reference_engine.hpp"
#include "engine/simd/kernels.hpp"
#include "engine/synthetic_workload.hpp"

namespace xbarmc {
namespace {

ChipBatchResult run(Engine& e, const StudyInputs& in, std::uint64_t begin, std::uint64_t end) {
  ChipBatchResult r;
  e.run(in, begin, end, r);
  return r;
}

void expect_same(const ChipBatchResult& a, const ChipBatchResult& b, const std::string& what) {
  EXPECT_EQ(a.correct, b.correct) << what;
  EXPECT_EQ(a.no_spike, b.no_spike) << what;
  EXPECT_EQ(a.saturated, b.saturated) << what;
}

StudyInputs small_study(int n_in, int n_out, int steps) {
  SyntheticSpec spec;
  spec.n_in = n_in;
  spec.n_out = n_out;
  spec.n_images = 40;
  spec.timesteps = steps;
  spec.seed = 77;
  return make_synthetic_study(spec);
}

// Every engine variant against the reference on one configuration.
void expect_all_match_reference(const StudyInputs& in, const std::string& what) {
  ReferenceEngine reference;
  const ChipBatchResult ref = run(reference, in, 3, 7);
  CpuEngine scalar(2, &simd::scalar_kernels());
  expect_same(run(scalar, in, 3, 7), ref, what + " [scalar]");
  for (const simd::Kernels* k : {simd::avx2_kernels(), simd::avx512_kernels()}) {
    if (!k) continue;
    CpuEngine fast(2, k);
    expect_same(run(fast, in, 3, 7), ref, what + " [" + k->name + "]");
    expect_same(run(fast, in, 3, 4), run(reference, in, 3, 4),
                what + " [" + k->name + ", one chip]");
  }
}

TEST(CpuEngine, FastEqualsReferenceAcrossConfigs) {
  for (int n_in : {64, 70}) {  // 70 rows: two mask words
    StudyInputs base = small_study(n_in, 5, 8);
    base.device.c2c_sigma = 0.1;
    base.device.read_sigma = 0.05;
    base.times_s = {1.0, 3600.0};
    for (Encoding enc : {Encoding::kRate, Encoding::kDeterministic, Encoding::kDirect}) {
      for (Scheme scheme : {Scheme::kA, Scheme::kB}) {
        for (int bits : {0, 3, 6}) {
          StudyInputs in = base;
          in.readout.encoding = enc;
          in.readout.scheme = scheme;
          in.readout.adc_bits = bits;
          in.readout.i_fs_a = calibrated_full_scale(in);
          in.neuron.threshold = 0.3 * threshold_reference(in.readout);
          expect_all_match_reference(
              in, "n_in " + std::to_string(n_in) + " enc " + std::to_string(int(enc)) + " scheme " +
                      std::to_string(int(scheme)) + " bits " + std::to_string(bits));
        }
      }
    }
  }
}

TEST(CpuEngine, FastEqualsReferenceWithFewRowsAndOddStepCounts) {
  // Fewer than 64 rows (padding rows between n_in and 64), step counts that leave a
  // partial group of steps, 6 and 16 outputs (half and all lanes of the fused neuron
  // kernel), with and without read noise; the noisy case also with drift compensation,
  // leak and reset to zero.
  for (int n_out : {6, 16}) {
    for (int steps : {1, 5, 7}) {
      for (bool noisy : {false, true}) {
        StudyInputs in = small_study(40, n_out, steps);
        in.device.c2c_sigma = 0.1;
        if (noisy) {
          in.device.read_sigma = 0.05;
          in.device.nu_mean = 0.02;
          in.device.drift_compensation = true;
          in.times_s = {1.0, 86400.0};
          in.neuron.leak = 0.9;
          in.neuron.reset = Reset::kZero;
        } else {
          in.device.read_sigma = 0.0;
        }
        in.readout.i_fs_a = calibrated_full_scale(in);
        in.neuron.threshold = 0.3 * threshold_reference(in.readout);
        expect_all_match_reference(in, "n_in 40, n_out " + std::to_string(n_out) + ", T " +
                                           std::to_string(steps) + (noisy ? ", noisy" : ""));
      }
    }
  }
}

TEST(CpuEngine, ProgramChipEqualsProgramCellPerCell) {
  // program_chip's four-cell draws against program_cell, cell by cell; 5 × 6 = 30 cells,
  // so the last group of four is partial.
  for (int variant = 0; variant < 7; ++variant) {
    StudyInputs in = small_study(5, 3, 4);
    in.device.d2d_sigma = 0.05;
    in.device.c2c_sigma = variant == 2 ? 0.0 : 0.1;
    in.device.c2c_model = variant == 1 ? C2cModel::kGaussian : C2cModel::kLognormal;
    in.device.nu_mean = 0.03;
    if (variant == 3 || variant == 6) in.device.nu_std = 0.05;  // some ν clamp at 0
    if (variant == 4 || variant == 6) {
      in.device.p_stuck_on = 0.2;
      in.device.p_stuck_off = 0.1;
    }
    if (variant == 5 || variant == 6) in.device.drift_spread = 0.01;
    for (std::uint32_t chip : {0u, 9u}) {
      std::vector<ProgrammedCell> cells;
      program_chip(in, chip, cells);
      ASSERT_EQ(cells.size(), in.g_target_s.size());
      const double d2d = d2d_factor(in.device, in.seed, chip);
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const ProgrammedCell want =
            program_cell(in.device, in.g_target_s[i], d2d, in.mapping.g_min_s(),
                         in.mapping.g_max_s(), in.seed, chip, static_cast<std::uint32_t>(i));
        EXPECT_EQ(std::memcmp(&cells[i].g_s, &want.g_s, sizeof(double)), 0) << variant << " " << i;
        EXPECT_EQ(cells[i].nu, want.nu) << variant << " " << i;
        EXPECT_EQ(cells[i].zeta, want.zeta) << variant << " " << i;
        EXPECT_EQ(cells[i].stuck, want.stuck) << variant << " " << i;
      }
    }
  }
}

TEST(CpuEngine, AllStepsAccumulationEqualsStepByStep) {
  const simd::Kernels* k = simd::avx512_kernels();
  if (!k || !k->accumulate_steps) GTEST_SKIP() << "no all-steps kernel on this CPU";
  // Every row width the kernel takes: 8 to 64 floats (whole and half zmm vectors).
  for (int row_floats = 8; row_floats <= 64; row_floats += 8) {
    // Row 64 and beyond stay zero; rows 0..63 hold values of both signs and magnitudes.
    std::vector<float> rows(static_cast<std::size_t>(65) * row_floats, 0.0f);
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    auto next = [&x] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    };
    for (int i = 0; i < 64; ++i) {
      for (int c = 0; c < row_floats; ++c) {
        rows[static_cast<std::size_t>(i) * row_floats + c] =
            static_cast<float>(static_cast<std::int64_t>(next() % 2001) - 1000) * 1.37e-3f;
      }
    }
    const int steps = 11;
    std::vector<std::uint64_t> masks(steps);
    for (int t = 0; t < steps; ++t) masks[t] = next() & next();  // ~16 rows
    masks[2] = 0;
    masks[3] = ~0ull;
    std::vector<float> all(static_cast<std::size_t>(steps) * row_floats, -1.0f);
    k->accumulate_steps(rows.data(), row_floats, masks.data(), steps, all.data());
    std::vector<float> one(row_floats);
    for (int t = 0; t < steps; ++t) {
      simd::scalar_kernels().accumulate_spikes(rows.data(), row_floats, &masks[t], 1, one.data(),
                                               nullptr);
      for (int c = 0; c < row_floats; ++c) {
        EXPECT_EQ(
            std::memcmp(&all[static_cast<std::size_t>(t) * row_floats + c], &one[c], sizeof(float)),
            0)
            << "row floats " << row_floats << " step " << t << " column " << c;
      }
    }
  }
}

TEST(CpuEngine, FastEqualsReferenceWithEveryNonIdealityOn) {
  StudyInputs in = small_study(64, 10, 16);
  in.layout = Layout::kBlocked;
  in.device.d2d_sigma = 0.05;
  in.device.c2c_sigma = 0.2;
  in.device.c2c_model = C2cModel::kGaussian;
  in.device.p_stuck_on = 0.01;
  in.device.p_stuck_off = 0.02;
  in.device.nu_mean = 0.02;
  in.device.nu_std = 0.01;
  in.device.drift_spread = 0.01;
  in.device.drift_compensation = true;
  in.device.read_sigma = 0.1;
  in.device.read_sigma_abs_a = in.readout.i_fs_a / 200.0;
  in.neuron.reset = Reset::kZero;
  in.neuron.leak = 0.9;
  in.times_s = {1.0, 86400.0, 3.15e7};
  expect_all_match_reference(in, "everything on");
}

TEST(CpuEngine, FastEqualsReferenceWithIrDrop) {
  // A low-resistance device (R_on ≈ 23 kΩ) where 2 Ω wires matter.
  StudyInputs base = small_study(64, 10, 8);
  for (double& g : base.g_target_s) g *= 1e4;
  base.device.r_wl_ohm = 2.0;
  base.device.r_bl_ohm = 2.0;
  base.device.c2c_sigma = 0.1;
  base.device.read_sigma = 0.02;
  for (IrDropModel model : {IrDropModel::kFirstOrder, IrDropModel::kNodal}) {
    StudyInputs in = base;
    in.device.ir_drop = model;
    in.readout.i_fs_a = calibrated_full_scale(in);
    expect_all_match_reference(in, "ir-drop " + std::to_string(int(model)));
  }
}

TEST(CpuEngine, ThreadCountDoesNotChangeResults) {
  StudyInputs in = small_study(64, 10, 16);
  in.device.c2c_sigma = 0.2;
  in.device.read_sigma = 0.05;
  CpuEngine one(1), two(2), three(3);
  const ChipBatchResult a = run(one, in, 0, 9);
  expect_same(run(two, in, 0, 9), a, "2 threads");
  expect_same(run(three, in, 0, 9), a, "3 threads");
  // Fewer chips than threads switches to parallel-over-images: same counts.
  const ChipBatchResult single = run(one, in, 4, 5);
  expect_same(run(three, in, 4, 5), single, "one chip, 3 threads");
  EXPECT_EQ(single.correct[0], a.correct[4]);
}

TEST(CpuEngine, BatchSplitDoesNotChangeResults) {
  StudyInputs in = small_study(64, 10, 16);
  in.device.c2c_sigma = 0.2;
  in.device.read_sigma = 0.05;
  in.times_s = {1.0, 10.0};
  in.device.nu_mean = 0.05;
  CpuEngine e(2);
  const ChipBatchResult whole = run(e, in, 10, 18);
  const std::vector<std::pair<int, int>> parts{{10, 11}, {11, 15}, {15, 18}};
  for (auto [b, end] : parts) {
    const ChipBatchResult part = run(e, in, b, end);
    for (int k = 0; k < 2; ++k) {
      for (int c = b; c < end; ++c) {
        EXPECT_EQ(part.correct[k * (end - b) + (c - b)], whole.correct[k * 8 + (c - 10)]);
        EXPECT_EQ(part.saturated[k * (end - b) + (c - b)], whole.saturated[k * 8 + (c - 10)]);
      }
    }
  }
}

TEST(CpuEngine, AllSigmaZeroGivesIdenticalChipsEqualToTheNominalChip) {
  StudyInputs in = small_study(64, 10, 16);
  CpuEngine e(2);
  const ChipBatchResult r = run(e, in, 0, 6);
  const NominalResult nominal = evaluate_nominal(in);
  for (std::uint32_t c : r.correct) EXPECT_EQ(c, nominal.correct);
  for (std::uint32_t n : r.no_spike) EXPECT_EQ(n, nominal.no_spike);
}

TEST(CpuEngine, MeanAccuracyFallsAsC2cSigmaRises) {
  SyntheticSpec spec;
  spec.n_images = 200;
  StudyInputs in = make_synthetic_study(spec);
  CpuEngine e(2);
  double last = 2.0;
  for (double sigma : {0.0, 0.2, 0.5, 1.0}) {
    in.device.c2c_sigma = sigma;
    const ChipBatchResult r = run(e, in, 0, 16);
    double mean = 0.0;
    for (std::uint32_t c : r.correct) mean += c / 200.0;
    mean /= 16.0;
    EXPECT_LT(mean, last) << "sigma " << sigma;
    last = mean;
  }
  EXPECT_LT(last, 0.6);  // σ = 1 is devastating
}

TEST(Calibration, MaxFullScaleIsTheLargestAllOnColumnCurrent) {
  StudyInputs in;
  in.n_in = 2;
  in.n_out = 1;
  in.g_target_s = {1e-9, 2e-9, 3e-9, 5e-9};
  EXPECT_DOUBLE_EQ(max_full_scale(in), 0.1 * 7e-9);
}

TEST(Calibration, ThresholdTiesGoToTheSmallerRatio) {
  StudyInputs in = small_study(64, 10, 16);
  const ThresholdCalibration cal = calibrate_threshold(in, {0.5, 0.3, 0.3000001});
  ASSERT_EQ(cal.accuracy.size(), 3u);
  // 0.3 and 0.3000001 give identical spike trains on integer codes: a tie.
  EXPECT_EQ(cal.accuracy[1], cal.accuracy[2]);
  if (cal.accuracy[1] >= cal.accuracy[0]) {
    EXPECT_EQ(cal.ratio, 0.3);
  }
  EXPECT_DOUBLE_EQ(cal.threshold, cal.ratio * 63.0);
}

}  // namespace
}  // namespace xbarmc
