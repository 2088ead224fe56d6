// The synthetic network cases that the engine parity tests share (CPU fast vs reference
// in test_network_engine.cpp and test_device_table.cpp, GPU vs CPU in
// gpu/test_cuda_network.cu): a small network cut into arrays, every kind of variation,
// a four-level statistics table, and the comparison of every count of two runs.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "engine/synthetic_workload.hpp"

namespace xbarmc::testing_networks {

// 40 inputs → hidden… → 6 outputs, 48 images, T = 6, on `rows` × `cols` arrays.
inline SyntheticNetworkSpec spec_of(std::vector<int> hidden, int rows, int cols) {
  SyntheticNetworkSpec s;
  s.n_in = 40;
  s.hidden = std::move(hidden);
  s.n_out = 6;
  s.n_images = 48;
  s.timesteps = 6;
  s.array_rows = rows;
  s.array_cols = cols;
  s.seed = 11;
  return s;
}

inline void add_noise_and_variation(StudyInputs& in) {
  in.device.d2d_sigma = 0.05;
  in.device.a2a_sigma = 0.1;
  in.device.c2c_sigma = 0.1;
  in.device.p_stuck_on = 0.01;
  in.device.p_stuck_off = 0.01;
  in.device.read_sigma = 0.05;
}

// A measured level table's statistics (DESIGN §2.8) of four levels, each cell taking the
// line of its level mod 4 (the synthetic mapping has 16 levels).
inline void use_four_level_statistics(StudyInputs& in) {
  in.level_device = {{0.4, 0.02, 0.01, 0.08},
                     {0.2, 0.01, 0.005, 0.04},
                     {0.1, 0.0, 0.0, 0.02},
                     {0.05, 0.005, 0.0, 0.01}};
  for (LayerInputs& l : in.layers) {
    for (int& k : l.levels_pos) k %= 4;
    for (int& k : l.levels_neg) k %= 4;
  }
}

// The inference counts of two runs equal: accuracy counts, saturation and spikes per
// layer.
inline void expect_same_inference_counts(const ChipBatchResult& a, const ChipBatchResult& b,
                                         const std::string& what) {
  EXPECT_EQ(a.correct, b.correct) << what;
  EXPECT_EQ(a.no_spike, b.no_spike) << what;
  EXPECT_EQ(a.saturated, b.saturated) << what;
  EXPECT_EQ(a.layer_saturated, b.layer_saturated) << what;
  EXPECT_EQ(a.layer_spikes, b.layer_spikes) << what;
}

// Every count of two runs equal: the inference counts and write-verify's per-chip counts.
inline void expect_same_counts(const ChipBatchResult& a, const ChipBatchResult& b,
                               const std::string& what) {
  expect_same_inference_counts(a, b, what);
  EXPECT_EQ(a.verify_pulses, b.verify_pulses) << what;
  EXPECT_EQ(a.verify_failures, b.verify_failures) << what;
  EXPECT_EQ(a.verify_cells, b.verify_cells) << what;
}

}  // namespace xbarmc::testing_networks
