// Drift over time on the engine (DESIGN §2.4, §2.6): the default log time grid; with
// a cell-to-cell spread of ν and no compensation the chips lose accuracy monotonically
// in log time; under uniform drift (every cell the same ν) the global compensation gain
// undoes the drift exactly, so compensated chips keep their t0 accuracy while
// uncompensated ones lose some.
#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>
#include <vector>

#include "drift/drift_study.hpp"
#include "engine/calibration.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/synthetic_workload.hpp"
#include "stats/outcome.hpp"
#include "study/summary_table.hpp"

namespace xbarmc {
namespace {

constexpr std::uint64_t kChips = 12;

// Mean accuracy over the chips at each time.
std::vector<double> mean_accuracy(const StudyInputs& in) {
  CpuEngine engine(2);
  ChipBatchResult r;
  engine.run(in, 0, kChips, r);
  std::vector<double> mean(in.times_s.size());
  for (std::size_t k = 0; k < mean.size(); ++k) {
    double sum = 0.0;
    for (std::uint64_t c = 0; c < kChips; ++c) sum += r.correct[k * kChips + c];
    mean[k] = sum / static_cast<double>(kChips * in.labels.size());
  }
  return mean;
}

StudyInputs drift_study(double nu_mean, double nu_std, int adc_bits, Reset reset) {
  SyntheticSpec spec;
  spec.n_images = 400;
  spec.timesteps = 8;
  spec.seed = 11;
  StudyInputs in = make_synthetic_study(spec);
  in.readout.adc_bits = adc_bits;
  in.neuron.reset = reset;
  in.readout.i_fs_a = calibrated_full_scale(in);
  in.neuron.threshold = calibrate_threshold(in, default_threshold_candidates()).threshold;
  in.device.nu_mean = nu_mean;
  in.device.nu_std = nu_std;
  in.times_s = study::default_drift_times();
  return in;
}

void print(const char* what, const std::vector<double>& v) {
  std::printf("%s:", what);
  for (double x : v) std::printf(" %.4f", x);
  std::printf("\n");
}

TEST(DriftGrid, DefaultIsOneSecondToTenYearsInLogSteps) {
  const std::vector<double>& t = study::default_drift_times();
  ASSERT_EQ(t.size(), 6u);
  const char* names[] = {"1 s", "1 h", "1 d", "30 d", "1 y", "10 y"};
  for (std::size_t k = 0; k < t.size(); ++k) EXPECT_EQ(study::format_time(t[k]), names[k]);
  EXPECT_EQ(t.back(), 10 * 365.25 * 86400.0);
}

TEST(Drift, NuSpreadWithoutCompensationLosesAccuracyMonotonically) {
  const StudyInputs in = drift_study(0.05, 0.03, 6, Reset::kSubtract);
  const std::vector<double> mean = mean_accuracy(in);
  print("nu spread, uncompensated", mean);
  // Same chips and inputs at every time: the loss grows with log time. A tolerance of
  // two images in 400 per step covers rounding flips of individual reads.
  for (std::size_t k = 1; k < mean.size(); ++k) EXPECT_LE(mean[k], mean[k - 1] + 0.005) << k;
  EXPECT_LT(mean.back(), mean.front() - 0.05);
}

// Uniform drift (ν the same in every cell, no other variation): every current shrinks
// by (t/t0)^−ν. With reset-to-zero neurons the spike trains change, and the chips lose
// accuracy; the compensation gain multiplies the diff back, so with an ideal ADC the
// compensated chips read exactly what they read at t0. (With a quantizing ADC the gain
// comes after the rounding and cannot restore the lost LSBs.)
TEST(Drift, CompensationRecoversAccuracyLostToUniformDrift) {
  StudyInputs in = drift_study(0.1, 0.0, 0, Reset::kZero);
  const std::vector<double> uncompensated = mean_accuracy(in);
  in.device.drift_compensation = true;
  const std::vector<double> compensated = mean_accuracy(in);
  print("uniform, ideal ADC, uncompensated", uncompensated);
  print("uniform, ideal ADC, compensated", compensated);
  EXPECT_EQ(uncompensated.front(), compensated.front());  // t = t0: gain 1
  // gain·diff(t) = diff(t0) up to rounding: the t0 accuracy at every time.
  for (double a : compensated) EXPECT_NEAR(a, compensated.front(), 0.003);
  for (std::size_t k = 0; k < compensated.size(); ++k) {
    EXPECT_GE(compensated[k], uncompensated[k] - 0.003) << k;
  }
  EXPECT_LT(uncompensated.back(), compensated.back());
}

}  // namespace
}  // namespace xbarmc
