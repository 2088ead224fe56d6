// Napkin math for the inference kernel (STYLE.md: the bound beside the timing, as
// llm.c does): warp instructions and DRAM bytes per chip·image inference, and the
// device's throughput bound from them. Plain C++ so that the bench command prints it.
//
// Instruction costs are counts of the kernel's operations (inference_kernel.cu), not
// measurements; they are per warp instruction, i.e. 32 lanes at once:
//   Philox4x32-10 block      ~100  10 rounds × (2 mul.lo + 2 mul.hi + 4 xor) + 18 key adds
//   Box–Muller pair (float)  ~90   portable_log (~30, one IEEE division), IEEE sqrt (~10),
//                                  portable_sincos_2pi (~45: two 5-term Horner series that
//                                  multiply by reciprocal constants, quadrant selection)
//   active row, per step     ~7    ffs + and + address + LDS.64 {a, a2} + 2 FADD + branch
//   step overhead            ~60   noise scale (sqrt), ADC floor/clamp, shared-memory
//                                  exchange of codes, IF neuron, __syncwarp
// Four normals come from one Philox block and two Box–Muller pairs; a warp draws 32
// blocks per round. DRAM bytes: the chip's double conductances and A_eff (written and
// read once per chip and time slot) and its float read matrix a, a2 (written once, read
// once per 128-image tile), shared by all images; input spike masks stay in L2.
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
  constexpr double kPhilox = 100.0, kBoxMullerPair = 90.0, kRow = 7.0, kStep = 60.0;
  constexpr double kImagesPerTile = 128.0;
  NapkinCost c;
  const double lanes_of_columns = std::ceil(w.n_cols / 32.0);
  if (w.noisy) {
    const double blocks = std::ceil(static_cast<double>(w.timesteps) * w.n_cols / 4.0);
    c.warp_instructions += std::ceil(blocks / 32.0) * (kPhilox + 2.0 * kBoxMullerPair);
  }
  c.warp_instructions += w.timesteps * (w.active_rows * kRow * lanes_of_columns + kStep);
  const double cells = static_cast<double>(w.n_in) * w.n_cols;
  const double tiles = std::ceil(w.n_images / kImagesPerTile);
  const double per_chip_time =
      w.slots_per_time * cells * 8.0 * 3.0 + cells * 4.0 * 2.0 * (1.0 + tiles);
  c.dram_bytes = per_chip_time / std::max(1, w.n_images);
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
