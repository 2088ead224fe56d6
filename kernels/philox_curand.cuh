// The device side of DESIGN §4: random words come from cuRAND's Philox4x32-10
// (curand_Philox4x32_10) with our counter layout {block, b, a, purpose} and key =
// seed, so they equal the host's xbarmc::stream_block word for word. Conversions to
// uniforms and normals are rng.hpp's, hence bit-identical on both backends.
#pragma once

#include <curand_kernel.h>

#include <cstdint>

#include "xbarmc/rng.hpp"

namespace xbarmc::cuda {

__device__ __forceinline__ U32x4 curand_stream_block(const Stream& s, std::uint32_t block) {
  const uint4 r =
      curand_Philox4x32_10(make_uint4(block, s.b, s.a, s.purpose), make_uint2(s.key.x, s.key.y));
  return U32x4{r.x, r.y, r.z, r.w};
}

// Normal number i of a stream, with rng.hpp's pairing: block i/4 gives normals
// 4k..4k+3 from the word pairs (x,y) and (z,w).
__device__ __forceinline__ float curand_stream_normal_float(const Stream& s, std::uint32_t i) {
  const U32x4 b = curand_stream_block(s, i / 4);
  float z0, z1;
  if ((i & 2u) == 0) {
    normal2_float(b.x, b.y, &z0, &z1);
  } else {
    normal2_float(b.z, b.w, &z0, &z1);
  }
  return (i & 1u) ? z1 : z0;
}

__device__ __forceinline__ double curand_stream_normal_double(const Stream& s, std::uint32_t i) {
  const U32x4 b = curand_stream_block(s, i / 4);
  double z0, z1;
  if ((i & 2u) == 0) {
    normal2_double(b.x, b.y, &z0, &z1);
  } else {
    normal2_double(b.z, b.w, &z0, &z1);
  }
  return (i & 1u) ? z1 : z0;
}

}  // namespace xbarmc::cuda
