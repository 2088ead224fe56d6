#include <cub/device/device_scan.cuh>

#include "cuda_check.cuh"
#include "input_kernels.cuh"
#include "philox_curand.cuh"
#include "xbarmc/encoding.hpp"

namespace xbarmc::cuda {
namespace {

constexpr int kThreads = 256;

// One thread per (image, t, word). Rate coding draws one cuRAND Philox block per four
// rows: word `row` of stream (seed, kInputSpikes, image_id, t) is lane row%4 of block
// row/4, exactly encoding.hpp's rate_spike.
__global__ void spike_mask_kernel(DeviceInputs in) {
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(in.n_images) * in.timesteps * in.words) return;
  const int w = static_cast<int>(tid % in.words);
  const int t = static_cast<int>((tid / in.words) % in.timesteps);
  const int image = static_cast<int>(tid / (static_cast<long long>(in.words) * in.timesteps));
  const float* x = in.features + static_cast<std::size_t>(image) * in.n_in;
  const int row_end = min(in.n_in, 64 * (w + 1));
  std::uint64_t mask = 0;
  if (in.readout.encoding == Encoding::kRate) {
    const Stream s = input_spike_stream(in.seed, in.image_ids[image], t);
    for (int row = 64 * w; row < row_end; row += 4) {
      const U32x4 b = curand_stream_block(s, static_cast<std::uint32_t>(row / 4));
      const std::uint32_t words[4] = {b.x, b.y, b.z, b.w};
      for (int q = 0; q < 4 && row + q < row_end; ++q) {
        if (uniform_float(words[q]) < x[row + q]) mask |= std::uint64_t(1) << ((row + q) % 64);
      }
    }
  } else {
    for (int row = 64 * w; row < row_end; ++row) {
      if (deterministic_spike(x[row], in.timesteps, t)) mask |= std::uint64_t(1) << (row % 64);
    }
  }
  in.masks[tid] = mask;
}

__global__ void direct_activation_kernel(DeviceInputs in) {
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(in.n_images) * in.n_in) return;
  in.activations[tid] = direct_level(in.features[tid], in.readout.dac_bits);
}

__device__ int active_rows(const DeviceInputs& in, int image, int t) {
  const std::uint64_t* m = in.masks + (static_cast<std::size_t>(image) * in.timesteps + t) * in.words;
  int n = 0;
  for (int w = 0; w < in.words; ++w) n += __popcll(m[w]);
  return n;
}

// One thread per group: per step the row iterations (the group's largest count,
// rounded up to 4) and the step's first entry within the group; the group's total.
__global__ void group_counts_kernel(DeviceInputs in, std::uint32_t* iters, std::uint64_t* start,
                                    std::uint64_t* group_total) {
  const int g = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (g >= in.n_groups) return;
  const int k_images = in.read.images_per_warp;
  const int first = g * k_images, n_valid = min(k_images, in.n_images - first);
  std::uint64_t total = 0;
  for (int t = 0; t < in.timesteps; ++t) {
    int most = 0;
    for (int k = 0; k < n_valid; ++k) most = max(most, active_rows(in, first + k, t));
    const int n = (most + 3) / 4 * 4;
    const std::size_t at = static_cast<std::size_t>(g) * in.timesteps + t;
    iters[at] = static_cast<std::uint32_t>(n);
    start[at] = total;
    total += static_cast<std::uint64_t>(k_images) * n;
  }
  group_total[g] = total;
}

// One thread per (group, step): the lists of the group's images, ascending row byte
// offsets, padded with the zero row; list_start made global.
__global__ void fill_lists_kernel(DeviceInputs in, const std::uint32_t* iters,
                                  std::uint64_t* start, const std::uint64_t* group_offset,
                                  std::uint32_t* lists) {
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(in.n_groups) * in.timesteps) return;
  const int g = static_cast<int>(tid / in.timesteps), t = static_cast<int>(tid % in.timesteps);
  const int k_images = in.read.images_per_warp;
  const int first = g * k_images, n_valid = min(k_images, in.n_images - first);
  const std::uint32_t row_bytes = static_cast<std::uint32_t>(in.read.row_floats() * sizeof(float));
  const std::uint32_t zero_row = static_cast<std::uint32_t>(in.n_in) * row_bytes;
  const std::uint64_t s = group_offset[g] + start[tid];
  start[tid] = s;
  const int n = static_cast<int>(iters[tid]);
  for (int k = 0; k < k_images; ++k) {
    std::uint32_t* out = lists + s + static_cast<std::uint64_t>(k) * n;
    int r = 0;
    if (k < n_valid) {
      const std::uint64_t* m =
          in.masks + (static_cast<std::size_t>(first + k) * in.timesteps + t) * in.words;
      for (int w = 0; w < in.words; ++w) {
        for (std::uint64_t bits = m[w]; bits != 0; bits &= bits - 1) {
          const int row = 64 * w + __ffsll(static_cast<long long>(bits)) - 1;
          out[r++] = static_cast<std::uint32_t>(row) * row_bytes;
        }
      }
    }
    for (; r < n; ++r) out[r] = zero_row;
  }
}

unsigned blocks_for(long long n) {
  return static_cast<unsigned>((n + kThreads - 1) / kThreads);
}

}  // namespace

void launch_input_plan(const DeviceInputs& in) {
  if (in.readout.encoding == Encoding::kDirect) {
    direct_activation_kernel<<<blocks_for(static_cast<long long>(in.n_images) * in.n_in),
                               kThreads>>>(in);
    XBARMC_CUDA_CHECK_LAUNCH(direct_activation_kernel);
    return;
  }
  spike_mask_kernel<<<blocks_for(static_cast<long long>(in.n_images) * in.timesteps * in.words),
                      kThreads>>>(in);
  XBARMC_CUDA_CHECK_LAUNCH(spike_mask_kernel);
}

void build_row_lists(const DeviceInputs& in, DeviceBuffer<std::uint32_t>& list_iters,
                     DeviceBuffer<std::uint64_t>& list_start, DeviceBuffer<std::uint32_t>& lists) {
  const std::size_t n_steps = static_cast<std::size_t>(in.n_groups) * in.timesteps;
  list_iters.reserve(n_steps);
  list_start.reserve(n_steps);
  DeviceBuffer<std::uint64_t> total(static_cast<std::size_t>(in.n_groups));
  DeviceBuffer<std::uint64_t> offset(static_cast<std::size_t>(in.n_groups));
  group_counts_kernel<<<blocks_for(in.n_groups), kThreads>>>(in, list_iters.data(),
                                                             list_start.data(), total.data());
  XBARMC_CUDA_CHECK_LAUNCH(group_counts_kernel);
  std::size_t temp_bytes = 0;
  XBARMC_CUDA_CALL(cub::DeviceScan::ExclusiveSum(nullptr, temp_bytes, total.data(), offset.data(),
                                                 in.n_groups));
  DeviceBuffer<unsigned char> temp(temp_bytes);
  XBARMC_CUDA_CALL(cub::DeviceScan::ExclusiveSum(temp.data(), temp_bytes, total.data(),
                                                 offset.data(), in.n_groups));
  std::uint64_t last_offset = 0, last_total = 0;
  XBARMC_CUDA_CALL(cudaMemcpy(&last_offset, offset.data() + (in.n_groups - 1),
                              sizeof(std::uint64_t), cudaMemcpyDeviceToHost));
  XBARMC_CUDA_CALL(cudaMemcpy(&last_total, total.data() + (in.n_groups - 1), sizeof(std::uint64_t),
                              cudaMemcpyDeviceToHost));
  lists.reserve(static_cast<std::size_t>(last_offset + last_total));
  fill_lists_kernel<<<blocks_for(static_cast<long long>(n_steps)), kThreads>>>(
      in, list_iters.data(), list_start.data(), offset.data(), lists.data());
  XBARMC_CUDA_CHECK_LAUNCH(fill_lists_kernel);
}

}  // namespace xbarmc::cuda
