// Napkin math for the inference kernel (STYLE.md: the bound beside the timing, as
// llm.c does): warp instructions and memory bytes per chip·image inference, and the
// device's throughput bound from them. Plain C++ so that the bench command prints it.
//
// The costs are what the kernel compiles to, counted in its sm_90 SASS by
// benchmarks/sass_count.py (nvcc 13, the scheme-B noisy spike kernel with one pair per
// lane; RESULTS.md has the command and the counts), per warp instruction (32 lanes):
//   row iteration   7.25  per row of a warp step: an LDG.128 of four list entries and the
//                         loop per four rows, then per row one address add, one LDS.128
//                         {a_pos, a_neg, a2_pos, a2_neg} and four FADD; it serves the
//                         warp's images_per_warp images (64×20: three)
//   step           173    per warp step outside the row loop, longest path: list
//                         lookup, normals from shared memory, two sqrt, two ADCs, the
//                         neuron, the noise-window test
//   noise block    312    per lane and Philox block: Philox4x32-10, two float
//                         Box–Muller pairs (portable log, IEEE sqrt, sincos series), four
//                         stores; a warp fills its rounds with the blocks of all its images
//   image          225    per warp and group outside the step loop (setup, prediction)
// A warp steps through the longest row list of its images (lists padded to multiples
// of four with a zero row), so a step costs the rows of that image: for uniform features
// and rate coding ≈ 1.15 × the mean active rows with three images per warp (sass_count.py
// simulates it). Memory: the chip's double conductances and A_eff (written and read once
// per chip and slot), its float read matrix (written once, read once per block), shared
// by all images; the active-row lists (4 B per row iteration, re-read per chip, from L2
// mostly) are counted as if they came from DRAM: an upper bound of the traffic.
#pragma once

#include <algorithm>
#include <cmath>

namespace xbarmc::cuda {

struct NapkinWorkload {
  int n_in = 64, n_cols = 20, n_out = 10, timesteps = 16, n_images = 1000;
  double active_rows = 32.0;  // mean spiking rows per step (rate coding: Σ_i mean x_i)
  bool noisy = true;          // read noise on
  int slots_per_time = 1;     // chip time slots per study time (2 with compensation)
};

struct NapkinCost {
  double warp_instructions = 0.0;  // per inference
  double dram_bytes = 0.0;         // per inference
};

inline NapkinCost napkin_cost(const NapkinWorkload& w) {
  constexpr double kRowIteration = 7.25, kStep = 173.0, kNoiseBlock = 312.0, kImage = 225.0;
  constexpr double kImagesPerBlockTile = 96.0;  // 8 warps × 4 groups × 3 images (64×20)
  const int n_out = std::max(1, w.n_out);
  const int pairs_per_lane = n_out <= 32 ? 1 : 2;
  const int images_per_warp = n_out <= 32 ? 32 / n_out : 1;
  const double k = images_per_warp;
  // Row iterations per warp step: padding to four, and the longest list of k images.
  const double spread = k > 1 ? 1.15 : 1.0;
  const double row_iterations = (w.active_rows + 1.5) * spread;
  NapkinCost c;
  c.warp_instructions = w.timesteps * (row_iterations * kRowIteration * pairs_per_lane + kStep) / k +
                        kImage / k;
  if (w.noisy) {
    const double blocks = static_cast<double>(w.timesteps) * w.n_cols / 4.0;  // per image
    c.warp_instructions += blocks / 32.0 * kNoiseBlock;
  }
  const double cells = static_cast<double>(w.n_in) * w.n_cols;
  const double tiles = std::ceil(w.n_images / (kImagesPerBlockTile * k / 3.0));
  const double matrix_floats = (w.noisy ? 2.0 : 1.0) * cells;
  const double per_chip_time = w.slots_per_time * cells * 8.0 * 3.0 + matrix_floats * 4.0 * (1.0 + tiles);
  c.dram_bytes = per_chip_time / std::max(1, w.n_images) + w.timesteps * row_iterations * 4.0;
  return c;
}

struct NapkinBound {
  double issue_bound = 0.0;   // inferences/s if every scheduler issued every cycle
  double memory_bound = 0.0;  // inferences/s at peak DRAM bandwidth
  double bound() const { return std::min(issue_bound, memory_bound); }
};

// Four warp schedulers per SM (sm_70 … sm_90), one warp instruction each per cycle.
inline NapkinBound napkin_bound(const NapkinCost& c, int sm_count, double clock_hz,
                                double memory_bytes_per_s) {
  NapkinBound b;
  b.issue_bound = 4.0 * sm_count * clock_hz / c.warp_instructions;
  b.memory_bound = memory_bytes_per_s / c.dram_bytes;
  return b;
}

}  // namespace xbarmc::cuda
