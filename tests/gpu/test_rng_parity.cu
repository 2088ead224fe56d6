// Host/device parity of the generator's building blocks (DESIGN §4), complementing
// test_cuda_rng.cu (cuRAND words and normals): the Random123 known answers through
// cuRAND's curand_Philox4x32_10 and through our own XBARMC_HD philox4x32_10 run on
// the device; uniforms, Bernoulli draws and portable_math's log/exp/sincos computed
// on the device bit-identical to the host (nvcc --fmad=false, g++ -ffp-contract=off).
// Skipped without a device.
#include <curand_kernel.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cuda_check.cuh"
#include "device_info.hpp"
#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/rng.hpp"

namespace {

using xbarmc::Purpose;
using xbarmc::Stream;
using xbarmc::U32x2;
using xbarmc::U32x4;

#define XBARMC_REQUIRE_DEVICE() \
  if (xbarmc::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device"

// A device buffer freed on scope exit.
template <class T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t n) : n_(n) {
    void* p = nullptr;
    XBARMC_CUDA_CALL(cudaMalloc(&p, n * sizeof(T)));
    ptr_ = static_cast<T*>(p);
  }
  ~DeviceBuffer() { cudaFree(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return ptr_; }
  std::vector<T> to_host() const {
    std::vector<T> h(n_);
    XBARMC_CUDA_CALL(cudaMemcpy(h.data(), ptr_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return h;
  }

 private:
  T* ptr_ = nullptr;
  std::size_t n_;
};

struct Kat {
  U32x4 counter;
  U32x2 key;
  U32x4 expected;
};

// Random123 kat_vectors, "philox4x32 10".
const Kat kKats[3] = {
    {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
    {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
     {0xffffffffu, 0xffffffffu},
     {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
    {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
     {0xa4093822u, 0x299f31d0u},
     {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
};

__global__ void kat_kernel(const Kat* kats, int n, U32x4* curand_out, U32x4* ours_out) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n) return;
  const Kat k = kats[i];
  const uint4 r = curand_Philox4x32_10(
      make_uint4(k.counter.x, k.counter.y, k.counter.z, k.counter.w), make_uint2(k.key.x, k.key.y));
  curand_out[i] = U32x4{r.x, r.y, r.z, r.w};
  ours_out[i] = xbarmc::philox4x32_10(k.counter, k.key);
}

TEST(RngParity, KnownAnswersHoldOnTheDeviceForCurandAndOurPhilox) {
  XBARMC_REQUIRE_DEVICE();
  DeviceBuffer<Kat> kats(3);
  XBARMC_CUDA_CALL(cudaMemcpy(kats.get(), kKats, sizeof kKats, cudaMemcpyHostToDevice));
  DeviceBuffer<U32x4> from_curand(3), from_ours(3);
  kat_kernel<<<1, 32>>>(kats.get(), 3, from_curand.get(), from_ours.get());
  XBARMC_CUDA_CHECK_LAUNCH(kat_kernel);
  const std::vector<U32x4> c = from_curand.to_host(), o = from_ours.to_host();
  for (int i = 0; i < 3; ++i) {
    for (const U32x4& got : {c[i], o[i]}) {
      EXPECT_EQ(got.x, kKats[i].expected.x) << "vector " << i;
      EXPECT_EQ(got.y, kKats[i].expected.y) << "vector " << i;
      EXPECT_EQ(got.z, kKats[i].expected.z) << "vector " << i;
      EXPECT_EQ(got.w, kKats[i].expected.w) << "vector " << i;
    }
  }
}

// Per word i of the stream: the four uniform conversions, one Bernoulli draw.
struct Draws {
  float u_f, u_open_f;
  double u_d, u_open_d;
  int bernoulli;
};

__global__ void draws_kernel(Stream s, std::uint32_t n, double p, Draws* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const std::uint32_t w = xbarmc::stream_word(s, i);
  out[i] =
      Draws{xbarmc::uniform_float(w), xbarmc::uniform_open0_float(w), xbarmc::uniform_double(w),
            xbarmc::uniform_open0_double(w), xbarmc::stream_bernoulli(s, i, p) ? 1 : 0};
}

TEST(RngParity, UniformsAndBernoulliDrawsAreBitIdentical) {
  XBARMC_REQUIRE_DEVICE();
  constexpr std::uint32_t kN = 1u << 16;
  const Stream s = xbarmc::make_stream(0xC0FFEEull, Purpose::kStuckCell, 31, 2);
  DeviceBuffer<Draws> d(kN);
  draws_kernel<<<(kN + 255) / 256, 256>>>(s, kN, 0.137, d.get());
  XBARMC_CUDA_CHECK_LAUNCH(draws_kernel);
  const std::vector<Draws> got = d.to_host();
  for (std::uint32_t i = 0; i < kN; ++i) {
    const std::uint32_t w = xbarmc::stream_word(s, i);
    ASSERT_EQ(got[i].u_f, xbarmc::uniform_float(w)) << i;
    ASSERT_EQ(got[i].u_open_f, xbarmc::uniform_open0_float(w)) << i;
    ASSERT_EQ(got[i].u_d, xbarmc::uniform_double(w)) << i;
    ASSERT_EQ(got[i].u_open_d, xbarmc::uniform_open0_double(w)) << i;
    ASSERT_EQ(got[i].bernoulli, xbarmc::stream_bernoulli(s, i, 0.137) ? 1 : 0) << i;
  }
}

// portable_math on a grid of arguments: log over many binades, exp over its range,
// sin/cos(2πu) over [0, 1).
struct MathOut {
  float log_f, exp_f, sin_f, cos_f;
  double log_d, exp_d, sin_d, cos_d;
};

__host__ __device__ void math_at(std::uint32_t i, std::uint32_t n, MathOut* out) {
  const double t = static_cast<double>(i) / n;  // in [0, 1)
  const double x_log = xbarmc::detail::portable_exp(-690.0 + 1380.0 * t);
  const float xf_log = xbarmc::detail::portable_exp(-80.0f + 160.0f * static_cast<float>(t));
  out->log_d = xbarmc::detail::portable_log(x_log);
  out->log_f = xbarmc::detail::portable_log(xf_log);
  out->exp_d = xbarmc::detail::portable_exp(-700.0 + 1400.0 * t);
  out->exp_f = xbarmc::detail::portable_exp(-85.0f + 170.0f * static_cast<float>(t));
  xbarmc::detail::portable_sincos_2pi(t, &out->sin_d, &out->cos_d);
  xbarmc::detail::portable_sincos_2pi(static_cast<float>(t), &out->sin_f, &out->cos_f);
}

__global__ void math_kernel(std::uint32_t n, MathOut* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) math_at(i, n, &out[i]);
}

template <class T>
auto bits(T x) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  U u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

TEST(RngParity, PortableMathIsBitIdenticalOnHostAndDevice) {
  XBARMC_REQUIRE_DEVICE();
  constexpr std::uint32_t kN = 1u << 16;
  DeviceBuffer<MathOut> d(kN);
  math_kernel<<<(kN + 255) / 256, 256>>>(kN, d.get());
  XBARMC_CUDA_CHECK_LAUNCH(math_kernel);
  const std::vector<MathOut> got = d.to_host();
  for (std::uint32_t i = 0; i < kN; ++i) {
    MathOut want;
    math_at(i, kN, &want);
    ASSERT_EQ(bits(got[i].log_d), bits(want.log_d)) << i;
    ASSERT_EQ(bits(got[i].log_f), bits(want.log_f)) << i;
    ASSERT_EQ(bits(got[i].exp_d), bits(want.exp_d)) << i;
    ASSERT_EQ(bits(got[i].exp_f), bits(want.exp_f)) << i;
    ASSERT_EQ(bits(got[i].sin_d), bits(want.sin_d)) << i;
    ASSERT_EQ(bits(got[i].cos_d), bits(want.cos_d)) << i;
    ASSERT_EQ(bits(got[i].sin_f), bits(want.sin_f)) << i;
    ASSERT_EQ(bits(got[i].cos_f), bits(want.cos_f)) << i;
  }
}

}  // namespace
