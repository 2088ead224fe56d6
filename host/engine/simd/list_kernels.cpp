#include "engine/simd/list_kernels.hpp"

#include <algorithm>
#include <cstddef>

#if defined(XBARMC_X86)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

namespace xbarmc::simd {

void accumulate_list_scalar(const float* a, const float* b, int row_floats, const int* list, int n,
                            float* current, float* square) {
  for (int c = 0; c < row_floats; ++c) current[c] = 0.0f;
  if (square) {
    for (int c = 0; c < row_floats; ++c) square[c] = 0.0f;
  }
  for (int k = 0; k < n; ++k) {
    const float* row = a + static_cast<std::size_t>(list[k]) * row_floats;
    for (int c = 0; c < row_floats; ++c) current[c] += row[c];
    if (square) {
      const float* noise = b + static_cast<std::size_t>(list[k]) * row_floats;
      for (int c = 0; c < row_floats; ++c) square[c] += noise[c] * noise[c];
    }
  }
}

#if defined(XBARMC_X86)
namespace {

#define XBARMC_LIST_AVX2 __attribute__((target("avx2")))
#define XBARMC_LIST_AVX512 __attribute__((target("avx512f,avx2")))

// One chunk of NV vectors of columns, every row of the list into registers; kSquare
// also sums the squares (NV more registers).
template <int NV, bool kSquare>
XBARMC_LIST_AVX2 void chunk_avx2(const float* a, const float* b, int row_floats, const int* list,
                                 int n, float* current, float* square) {
  __m256 acc[NV], sq[NV];
  for (int v = 0; v < NV; ++v) acc[v] = sq[v] = _mm256_setzero_ps();
  for (int k = 0; k < n; ++k) {
    const std::size_t at = static_cast<std::size_t>(list[k]) * row_floats;
    for (int v = 0; v < NV; ++v) {
      const __m256 x = _mm256_loadu_ps(a + at + 8 * v);
      acc[v] = _mm256_add_ps(acc[v], x);
      if (kSquare) {
        const __m256 y = b == a ? x : _mm256_loadu_ps(b + at + 8 * v);
        sq[v] = _mm256_add_ps(sq[v], _mm256_mul_ps(y, y));
      }
    }
  }
  for (int v = 0; v < NV; ++v) {
    _mm256_storeu_ps(current + 8 * v, acc[v]);
    if (kSquare) _mm256_storeu_ps(square + 8 * v, sq[v]);
  }
}

template <int NV, bool kSquare>
XBARMC_LIST_AVX512 void chunk_avx512(const float* a, const float* b, int row_floats,
                                     const int* list, int n, float* current, float* square) {
  __m512 acc[NV], sq[NV];
  for (int v = 0; v < NV; ++v) acc[v] = sq[v] = _mm512_setzero_ps();
  for (int k = 0; k < n; ++k) {
    const std::size_t at = static_cast<std::size_t>(list[k]) * row_floats;
    for (int v = 0; v < NV; ++v) {
      const __m512 x = _mm512_loadu_ps(a + at + 16 * v);
      acc[v] = _mm512_add_ps(acc[v], x);
      if (kSquare) {
        const __m512 y = b == a ? x : _mm512_loadu_ps(b + at + 16 * v);
        sq[v] = _mm512_add_ps(sq[v], _mm512_mul_ps(y, y));
      }
    }
  }
  for (int v = 0; v < NV; ++v) {
    _mm512_storeu_ps(current + 16 * v, acc[v]);
    if (kSquare) _mm512_storeu_ps(square + 16 * v, sq[v]);
  }
}

using ChunkFn = void (*)(const float*, const float*, int, const int*, int, float*, float*);

// Chunk functions by vector count 1..8 (index 0 unused), without and with squares.
#define XBARMC_CHUNKS(fn, sq)                                                             \
  {                                                                                       \
    nullptr, fn<1, sq>, fn<2, sq>, fn<3, sq>, fn<4, sq>, fn<5, sq>, fn<6, sq>, fn<7, sq>, \
        fn<8, sq>                                                                         \
  }
const ChunkFn kAvx2[2][9] = {XBARMC_CHUNKS(chunk_avx2, false), XBARMC_CHUNKS(chunk_avx2, true)};
const ChunkFn kAvx512[2][9] = {XBARMC_CHUNKS(chunk_avx512, false),
                               XBARMC_CHUNKS(chunk_avx512, true)};
#undef XBARMC_CHUNKS

// Column chunks of up to 8 vectors of kLanes floats (16 accumulators with the squares).
template <int kLanes>
void accumulate_chunks(const ChunkFn (&table)[2][9], const float* a, const float* b, int row_floats,
                       const int* list, int n, float* current, float* square) {
  const ChunkFn* fns = table[square ? 1 : 0];
  for (int c0 = 0; c0 < row_floats; c0 += 8 * kLanes) {
    const int vectors = std::min(8, (row_floats - c0) / kLanes);
    fns[vectors](a + c0, b + c0, row_floats, list, n, current + c0, square ? square + c0 : nullptr);
  }
}

void accumulate_list_avx2_impl(const float* a, const float* b, int row_floats, const int* list,
                               int n, float* current, float* square) {
  accumulate_chunks<8>(kAvx2, a, b, row_floats, list, n, current, square);
}
void accumulate_list_avx512_impl(const float* a, const float* b, int row_floats, const int* list,
                                 int n, float* current, float* square) {
  accumulate_chunks<16>(kAvx512, a, b, row_floats, list, n, current, square);
}

}  // namespace

AccumulateListFn accumulate_list_avx2() {
  static const bool ok = __builtin_cpu_supports("avx2");
  return ok ? accumulate_list_avx2_impl : nullptr;
}
AccumulateListFn accumulate_list_avx512() {
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2");
  return ok ? accumulate_list_avx512_impl : nullptr;
}
#else
AccumulateListFn accumulate_list_avx2() {
  return nullptr;
}
AccumulateListFn accumulate_list_avx512() {
  return nullptr;
}
#endif

}  // namespace xbarmc::simd
