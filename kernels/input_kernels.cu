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

}  // namespace xbarmc::cuda
