// The steps of one crossbar array read on the device, as __device__ functions that a
// kernel composes (inference_kernel.cu today; a network of many arrays later): the
// read matrix into shared memory, column sums over the active rows of a step, the
// read-noise normals of a window of steps, and the ADC and IF neuron of one output.
// The arithmetic is readout.hpp's and neuron.hpp's, in the CPU engine's order: rows
// summed in ascending order from 0.0f (a padding row of zeros adds +0.0f, which
// changes no bit of a sum that starts at +0.0f), y = I + σ·z, round half up, clamp.
#pragma once

#include <cstdint>

#include "device_study.cuh"
#include "philox_curand.cuh"
#include "xbarmc/neuron.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cuda {

// Column sums of one output pair for one step: currents and, for noise, the sums of
// squares of the terms (readout.hpp's S_j).
struct PairRead {
  float cur_pos = 0.0f, cur_neg = 0.0f, sq_pos = 0.0f, sq_neg = 0.0f;
};

// The chip's read matrix at one time: n_in rows of `row_floats` from global memory
// into shared memory `dst`, then row n_in of zeros (the padding row of the active-row
// lists). Coalesced 8-byte copies by the whole block (row_floats is even, so every
// matrix starts 8-byte aligned).
__device__ __forceinline__ void load_read_matrix(float* dst, const float* src, int n_in,
                                                 int row_floats) {
  const int n2 = n_in * row_floats / 2;
  auto* d2 = reinterpret_cast<float2*>(dst);
  const auto* s2 = reinterpret_cast<const float2*>(src);
  for (int e = threadIdx.x; e < n2 + row_floats / 2; e += blockDim.x)
    d2[e] = e < n2 ? __ldg(s2 + e) : make_float2(0.0f, 0.0f);
}

// Σ over the active rows of one step, for the pairs of one lane: `list` holds `iters`
// byte offsets of rows into the shared matrix (ascending, padded with the zero row to
// a multiple of 4); `lane_addr` is the lane's first pair within a row. kQ pairs per
// lane, 32 pairs apart. 32-bit shared addresses; no column guard (rows are padded).
template <bool kSquares, int kQ>
__device__ __forceinline__ void read_active_rows(const uint4* __restrict__ list, int iters,
                                                 const char* matrix, std::uint32_t lane_addr,
                                                 PairRead (&r)[kQ]) {
  constexpr std::uint32_t kPairBytes = kSquares ? 16 : 8;
#pragma unroll
  for (int q = 0; q < kQ; ++q) r[q] = PairRead{};
  const int n4 = iters / 4;
#pragma unroll 1
  for (int it = 0; it < n4; ++it) {
    const uint4 e = __ldg(list + it);
    const std::uint32_t rows[4] = {e.x, e.y, e.z, e.w};
#pragma unroll
    for (int u = 0; u < 4; ++u) {
      const char* row = matrix + (rows[u] + lane_addr);
#pragma unroll
      for (int q = 0; q < kQ; ++q) {
        if (kSquares) {
          const float4 p = *reinterpret_cast<const float4*>(row + q * 32 * kPairBytes);
          r[q].cur_pos += p.x;
          r[q].cur_neg += p.y;
          r[q].sq_pos += p.z;
          r[q].sq_neg += p.w;
        } else {
          const float2 p = *reinterpret_cast<const float2*>(row + q * 32 * kPairBytes);
          r[q].cur_pos += p.x;
          r[q].cur_neg += p.y;
        }
      }
    }
  }
}

// Direct encoding: every row, s_i·a (readout.hpp's column_read, the CPU engine's
// accumulate_dense): the same in every step, so a kernel reads it once per image.
template <bool kNoisy, int kQ>
__device__ __forceinline__ void read_dense(const float* __restrict__ s, int n_in, int row_bytes,
                                           const char* matrix, std::uint32_t lane_addr,
                                           PairRead (&r)[kQ]) {
#pragma unroll
  for (int q = 0; q < kQ; ++q) r[q] = PairRead{};
#pragma unroll 1
  for (int i = 0; i < n_in; ++i) {
    const float si = __ldg(s + i);
    const char* row = matrix + (static_cast<std::uint32_t>(i * row_bytes) + lane_addr);
#pragma unroll
    for (int q = 0; q < kQ; ++q) {
      const float2 p = *reinterpret_cast<const float2*>(row + q * 32 * 8);
      const float xp = si * p.x, xn = si * p.y;
      r[q].cur_pos += xp;
      r[q].cur_neg += xn;
      if (kNoisy) {
        r[q].sq_pos += xp * xp;
        r[q].sq_neg += xn * xn;
      }
    }
  }
}

// Read-noise normals of a window of steps for `n_images` images at once, so that the
// warp's Philox rounds run full: image s's normals first … first + count − 1 of its
// stream (readout.hpp's index) go to z + s·slot_floats + lead, lead = first % 4. Lane
// l draws blocks l, l + 32, … of the images' blocks in turn, four normals each
// (stream_normal_float's pairing). Call with the whole warp; it syncs before and after.
__device__ __forceinline__ void draw_noise_window(float* z, int slot_floats, std::uint64_t seed,
                                                  std::uint32_t chip,
                                                  const std::uint32_t* image_ids, int n_images,
                                                  std::uint32_t first, std::uint32_t count) {
  const std::uint32_t first_block = first / 4;
  const int n_blocks = static_cast<int>((first % 4 + count + 3) / 4);
  const int lane = static_cast<int>(threadIdx.x % 32);
  int s = 0, blk = lane;
  while (blk >= n_blocks) {
    blk -= n_blocks;
    ++s;
  }
  __syncwarp();  // the previous window is consumed
  for (int q = lane; q < n_images * n_blocks; q += 32) {
    const Stream st = read_noise_stream(seed, chip, __ldg(image_ids + s));
    const U32x4 w = curand_stream_block(st, first_block + static_cast<std::uint32_t>(blk));
    float* out = z + s * slot_floats + 4 * blk;
    normal2_float(w.x, w.y, &out[0], &out[1]);
    normal2_float(w.z, w.w, &out[2], &out[3]);
    blk += 32;
    while (blk >= n_blocks) {
      blk -= n_blocks;
      ++s;
    }
  }
  __syncwarp();
}

// Scheme B: one unipolar ADC per column, diff = code_pos − code_neg; scheme A: one
// bipolar ADC on I_pos − I_neg (noise from S_pos + S_neg, one normal per output). Then
// ·gain (1 without compensation: x·1.0f is x) and one IF step. Returns the clamped
// conversions; *spiked tells whether the neuron fired.
template <Scheme kScheme, bool kNoisy>
__device__ __forceinline__ std::uint32_t adc_neuron_step(const PairRead& r, float z_pos,
                                                         float z_neg, const ReadConstants& rc,
                                                         int adc_bits, float gain, float leak,
                                                         float threshold, Reset reset, float* v,
                                                         bool* spiked) {
  bool clamp_pos = false, clamp_neg = false;
  float diff;
  if (kScheme == Scheme::kB) {
    float y_pos = r.cur_pos, y_neg = r.cur_neg;
    if (kNoisy) {
      y_pos += read_sigma(rc, r.sq_pos) * z_pos;
      y_neg += read_sigma(rc, r.sq_neg) * z_neg;
    }
    diff = adc_code(y_pos, Scheme::kB, adc_bits, &clamp_pos) -
           adc_code(y_neg, Scheme::kB, adc_bits, &clamp_neg);
  } else {
    float y = r.cur_pos - r.cur_neg;
    if (kNoisy) y += read_sigma(rc, r.sq_pos + r.sq_neg) * z_pos;
    diff = adc_code(y, Scheme::kA, adc_bits, &clamp_pos);
  }
  *spiked = if_step(v, diff * gain, leak, threshold, reset);
  return (clamp_pos ? 1u : 0u) + (clamp_neg ? 1u : 0u);
}

}  // namespace xbarmc::cuda
