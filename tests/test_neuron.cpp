#include <gtest/gtest.h>

#include <vector>

#include "xbarmc/neuron.hpp"

namespace xbarmc {
namespace {

// Runs one neuron over a diff sequence; returns the spike steps and the final v.
std::vector<int> spike_steps(const std::vector<float>& diffs, float leak, float theta, Reset reset,
                             float* v_final) {
  float v = 0.0f;
  std::vector<int> steps;
  for (std::size_t t = 0; t < diffs.size(); ++t) {
    if (if_step(&v, diffs[t], leak, theta, reset)) steps.push_back(static_cast<int>(t));
  }
  *v_final = v;
  return steps;
}

TEST(Neuron, SubtractResetKeepsTheRemainder) {
  float v;
  EXPECT_EQ(spike_steps({2, 2, 2}, 1.0f, 3.0f, Reset::kSubtract, &v), (std::vector<int>{1, 2}));
  EXPECT_EQ(v, 0.0f);  // 2 → 4 (spike, 1) → 3 (spike, 0)
}

TEST(Neuron, ZeroResetDropsTheRemainder) {
  float v;
  EXPECT_EQ(spike_steps({2, 2, 2}, 1.0f, 3.0f, Reset::kZero, &v), (std::vector<int>{1}));
  EXPECT_EQ(v, 2.0f);  // 2 → 4 (spike, 0) → 2
}

TEST(Neuron, SpikesWhenPotentialEqualsThreshold) {
  float v;
  EXPECT_EQ(spike_steps({3}, 1.0f, 3.0f, Reset::kSubtract, &v), (std::vector<int>{0}));
  EXPECT_EQ(spike_steps({2.5f}, 1.0f, 3.0f, Reset::kSubtract, &v), (std::vector<int>{}));
}

TEST(Neuron, LeakScalesThePotentialEachStep) {
  float v;
  // β = 0.5: 2 → 0.5·2 + 2 = 3 → 0.5·3 + 2 = 3.5 ≥ 3.5 spike → 0.
  EXPECT_EQ(spike_steps({2, 2, 2}, 0.5f, 3.5f, Reset::kSubtract, &v), (std::vector<int>{2}));
  EXPECT_EQ(v, 0.0f);
}

TEST(Neuron, AtMostOneSpikePerStepEvenForLargeInput) {
  float v;
  // diff 10, θ 3: one spike per step, the surplus carries over: 10 → 7 → 4 → 1.
  EXPECT_EQ(spike_steps({10, 0, 0, 0}, 1.0f, 3.0f, Reset::kSubtract, &v),
            (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(v, 1.0f);
}

TEST(Neuron, NegativeInputNeverSpikes) {
  float v;
  EXPECT_TRUE(spike_steps({-5, -1, 2}, 1.0f, 1.0f, Reset::kSubtract, &v).empty());
  EXPECT_EQ(v, -4.0f);
}

TEST(Prediction, ArgmaxOfSpikeCounts) {
  const std::uint32_t counts[] = {1, 4, 2};
  const float v[] = {0.9f, 0.0f, 0.5f};
  EXPECT_EQ(predict_class(counts, v, 3), 1);
}

TEST(Prediction, TiesGoToTheLargerFinalPotential) {
  const std::uint32_t counts[] = {2, 3, 3};
  const float v[] = {5.0f, 0.5f, 0.7f};
  EXPECT_EQ(predict_class(counts, v, 3), 2);
}

TEST(Prediction, FullTiesGoToTheLowerIndex) {
  const std::uint32_t counts[] = {1, 3, 3, 3};
  const float v[] = {0.0f, 0.5f, 0.5f, 0.2f};
  EXPECT_EQ(predict_class(counts, v, 4), 1);
}

TEST(Prediction, NoSpikeAtAllIsDetectedAndFallsBackToPotential) {
  const std::uint32_t counts[] = {0, 0, 0};
  const float v[] = {-1.0f, 0.25f, 0.1f};
  EXPECT_TRUE(no_output_spike(counts, 3));
  EXPECT_EQ(predict_class(counts, v, 3), 1);
  const std::uint32_t some[] = {0, 1, 0};
  EXPECT_FALSE(no_output_spike(some, 3));
}

}  // namespace
}  // namespace xbarmc
