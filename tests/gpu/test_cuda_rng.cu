// The device generator equals the host's: cuRAND's Philox with our counter layout
// gives the same words as xbarmc::stream_block, and the rng.hpp conversions give
// the same uniforms and normals bit for bit (DESIGN §4). Skipped without a device.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "cuda_check.cuh"
#include "device_info.hpp"
#include "philox_curand.cuh"
#include "xbarmc/rng.hpp"

namespace {

using xbarmc::Purpose;
using xbarmc::Stream;
using xbarmc::U32x4;

#define XBARMC_REQUIRE_DEVICE() \
  if (xbarmc::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device"

__global__ void words_kernel(Stream s, std::uint32_t n_blocks, U32x4* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n_blocks) out[i] = xbarmc::cuda::curand_stream_block(s, i);
}

// curand_init's documented skip-ahead: subsequence = (purpose << 32) | a,
// offset = 4·((b << 32) | block), as rng.hpp claims.
__global__ void curand_init_kernel(Stream s, std::uint64_t seed, std::uint32_t n_blocks,
                                   uint4* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n_blocks) return;
  curandStatePhilox4_32_10_t state;
  const unsigned long long subsequence = (static_cast<unsigned long long>(s.purpose) << 32) | s.a;
  const unsigned long long offset = 4ull * ((static_cast<unsigned long long>(s.b) << 32) | i);
  curand_init(seed, subsequence, offset, &state);
  out[i] = curand4(&state);
}

__global__ void normals_kernel(Stream s, std::uint32_t n, float* out_f, double* out_d) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  out_f[i] = xbarmc::cuda::curand_stream_normal_float(s, i);
  out_d[i] = xbarmc::cuda::curand_stream_normal_double(s, i);
}

template <class T>
std::vector<T> to_host(const T* d, std::size_t n) {
  std::vector<T> h(n);
  XBARMC_CUDA_CALL(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
  return h;
}

template <class T>
T* device_alloc(std::size_t n) {
  void* p = nullptr;
  XBARMC_CUDA_CALL(cudaMalloc(&p, n * sizeof(T)));
  return static_cast<T*>(p);
}

std::uint32_t float_bits(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
std::uint64_t double_bits(double x) {
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

const Stream kStreams[] = {
    xbarmc::make_stream(0, Purpose::kChipFactor, 0, 0),
    xbarmc::make_stream(20260101ull, Purpose::kReadNoise, 12345, 678),
    xbarmc::make_stream(0xDEADBEEFCAFEF00Dull, Purpose::kInputSpikes, 0xFFFFFFFFu, 0xFFFFFFFFu),
};

TEST(CudaRng, CurandPhiloxWordsEqualHostStreamBlocks) {
  XBARMC_REQUIRE_DEVICE();
  constexpr std::uint32_t kBlocks = 4096;
  U32x4* d = device_alloc<U32x4>(kBlocks);
  for (const Stream& s : kStreams) {
    words_kernel<<<(kBlocks + 255) / 256, 256>>>(s, kBlocks, d);
    XBARMC_CUDA_CHECK_LAUNCH(words_kernel);
    const std::vector<U32x4> got = to_host(d, kBlocks);
    for (std::uint32_t i = 0; i < kBlocks; ++i) {
      const U32x4 want = xbarmc::stream_block(s, i);
      ASSERT_EQ(got[i].x, want.x) << "block " << i;
      ASSERT_EQ(got[i].y, want.y) << "block " << i;
      ASSERT_EQ(got[i].z, want.z) << "block " << i;
      ASSERT_EQ(got[i].w, want.w) << "block " << i;
    }
  }
  cudaFree(d);
}

TEST(CudaRng, CurandInitSkipAheadMatchesDocumentedCounterLayout) {
  XBARMC_REQUIRE_DEVICE();
  constexpr std::uint32_t kBlocks = 512;
  uint4* d = device_alloc<uint4>(kBlocks);
  const std::uint64_t seed = 0x0123456789ABCDEFull;
  const Stream s = xbarmc::make_stream(seed, Purpose::kCellProgram, 77, 3);
  curand_init_kernel<<<(kBlocks + 127) / 128, 128>>>(s, seed, kBlocks, d);
  XBARMC_CUDA_CHECK_LAUNCH(curand_init_kernel);
  const std::vector<uint4> got = to_host(d, kBlocks);
  for (std::uint32_t i = 0; i < kBlocks; ++i) {
    const U32x4 want = xbarmc::stream_block(s, i);
    ASSERT_EQ(got[i].x, want.x) << "block " << i;
    ASSERT_EQ(got[i].w, want.w) << "block " << i;
  }
  cudaFree(d);
}

TEST(CudaRng, NormalsAreBitIdenticalToHost) {
  XBARMC_REQUIRE_DEVICE();
  constexpr std::uint32_t kN = 1u << 16;
  float* df = device_alloc<float>(kN);
  double* dd = device_alloc<double>(kN);
  for (const Stream& s : kStreams) {
    normals_kernel<<<(kN + 255) / 256, 256>>>(s, kN, df, dd);
    XBARMC_CUDA_CHECK_LAUNCH(normals_kernel);
    const std::vector<float> got_f = to_host(df, kN);
    const std::vector<double> got_d = to_host(dd, kN);
    for (std::uint32_t i = 0; i < kN; ++i) {
      const xbarmc::U32x4 b = xbarmc::stream_block(s, i / 4);
      float f0, f1;
      const bool second = (i & 2u) != 0;
      xbarmc::normal2_float(second ? b.z : b.x, second ? b.w : b.y, &f0, &f1);
      const float want_f = (i & 1u) ? f1 : f0;
      ASSERT_EQ(float_bits(got_f[i]), float_bits(want_f)) << "normal " << i;
      ASSERT_EQ(double_bits(got_d[i]), double_bits(xbarmc::stream_normal_double(s, i)))
          << "normal " << i;
    }
  }
  cudaFree(df);
  cudaFree(dd);
}

}  // namespace
