#include "engine/simd/list_kernels.hpp"

#include <algorithm>
#include <cstddef>

#if defined(XBARMC_X86)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

namespace xbarmc::simd {

void accumulate_list_scalar(const float* rows, int row_floats, const int* list, int n, float* out) {
  for (int c = 0; c < row_floats; ++c) out[c] = 0.0f;
  for (int k = 0; k < n; ++k) {
    const float* row = rows + static_cast<std::size_t>(list[k]) * row_floats;
    for (int c = 0; c < row_floats; ++c) out[c] += row[c];
  }
}

#if defined(XBARMC_X86)
namespace {

#define XBARMC_LIST_AVX2 __attribute__((target("avx2")))
#define XBARMC_LIST_AVX512 __attribute__((target("avx512f,avx2")))

// NV vectors of one chunk of columns, every row of the list into registers.
template <int NV>
XBARMC_LIST_AVX2 void list_chunk_avx2(const float* rows, int row_floats, const int* list, int n,
                                      float* out) {
  __m256 acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = _mm256_setzero_ps();
  for (int k = 0; k < n; ++k) {
    const float* row = rows + static_cast<std::size_t>(list[k]) * row_floats;
    for (int v = 0; v < NV; ++v) acc[v] = _mm256_add_ps(acc[v], _mm256_loadu_ps(row + 8 * v));
  }
  for (int v = 0; v < NV; ++v) _mm256_storeu_ps(out + 8 * v, acc[v]);
}

template <int NV>
XBARMC_LIST_AVX512 void list_chunk_avx512(const float* rows, int row_floats, const int* list, int n,
                                          float* out) {
  __m512 acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = _mm512_setzero_ps();
  for (int k = 0; k < n; ++k) {
    const float* row = rows + static_cast<std::size_t>(list[k]) * row_floats;
    for (int v = 0; v < NV; ++v) acc[v] = _mm512_add_ps(acc[v], _mm512_loadu_ps(row + 16 * v));
  }
  for (int v = 0; v < NV; ++v) _mm512_storeu_ps(out + 16 * v, acc[v]);
}

using ChunkFn = void (*)(const float*, int, const int*, int, float*);

// Chunks of up to kMax vectors of `lanes` floats; chunk functions by vector count.
template <int kLanes, int kMax>
void accumulate_chunks(const ChunkFn* by_count, const float* rows, int row_floats, const int* list,
                       int n, float* out) {
  for (int c0 = 0; c0 < row_floats; c0 += kLanes * kMax) {
    const int vectors = std::min(kMax, (row_floats - c0) / kLanes);
    by_count[vectors](rows + c0, row_floats, list, n, out + c0);
  }
}

const ChunkFn kAvx2Chunks[17] = {nullptr,
                                 list_chunk_avx2<1>,
                                 list_chunk_avx2<2>,
                                 list_chunk_avx2<3>,
                                 list_chunk_avx2<4>,
                                 list_chunk_avx2<5>,
                                 list_chunk_avx2<6>,
                                 list_chunk_avx2<7>,
                                 list_chunk_avx2<8>,
                                 list_chunk_avx2<9>,
                                 list_chunk_avx2<10>,
                                 list_chunk_avx2<11>,
                                 list_chunk_avx2<12>,
                                 list_chunk_avx2<13>,
                                 list_chunk_avx2<14>,
                                 list_chunk_avx2<15>,
                                 list_chunk_avx2<16>};
const ChunkFn kAvx512Chunks[17] = {nullptr,
                                   list_chunk_avx512<1>,
                                   list_chunk_avx512<2>,
                                   list_chunk_avx512<3>,
                                   list_chunk_avx512<4>,
                                   list_chunk_avx512<5>,
                                   list_chunk_avx512<6>,
                                   list_chunk_avx512<7>,
                                   list_chunk_avx512<8>,
                                   list_chunk_avx512<9>,
                                   list_chunk_avx512<10>,
                                   list_chunk_avx512<11>,
                                   list_chunk_avx512<12>,
                                   list_chunk_avx512<13>,
                                   list_chunk_avx512<14>,
                                   list_chunk_avx512<15>,
                                   list_chunk_avx512<16>};

void accumulate_list_avx2_impl(const float* rows, int row_floats, const int* list, int n,
                               float* out) {
  accumulate_chunks<8, 16>(kAvx2Chunks, rows, row_floats, list, n, out);
}
void accumulate_list_avx512_impl(const float* rows, int row_floats, const int* list, int n,
                                 float* out) {
  accumulate_chunks<16, 16>(kAvx512Chunks, rows, row_floats, list, n, out);
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
