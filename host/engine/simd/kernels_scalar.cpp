// Portable scalar kernels: straight calls of the include/xbarmc functions.
#include <cstdlib>
#include <cstring>

#include "engine/simd/kernels.hpp"
#include "xbarmc/neuron.hpp"

namespace xbarmc::simd {
namespace {

void normals_scalar(const Stream& s, std::uint32_t first_block, std::uint32_t n_blocks,
                    float* out) {
  for (std::uint32_t b = 0; b < n_blocks; ++b) {
    const U32x4 w = stream_block(s, first_block + b);
    normal2_float(w.x, w.y, &out[4 * b], &out[4 * b + 1]);
    normal2_float(w.z, w.w, &out[4 * b + 2], &out[4 * b + 3]);
  }
}

void normals_gather_scalar(const Stream& s, const std::uint32_t* blocks, std::uint32_t n_blocks,
                           float* out) {
  for (std::uint32_t b = 0; b < n_blocks; ++b) {
    const U32x4 w = stream_block(s, blocks[b]);
    normal2_float(w.x, w.y, &out[4 * b], &out[4 * b + 1]);
    normal2_float(w.z, w.w, &out[4 * b + 2], &out[4 * b + 3]);
  }
}

void accumulate_spikes_scalar(const float* rows, int stride, const std::uint64_t* mask, int n_words,
                              float* current, float* square) {
  const int row_floats = square ? 2 * stride : stride;
  for (int c = 0; c < stride; ++c) current[c] = 0.0f;
  if (square) {
    for (int c = 0; c < stride; ++c) square[c] = 0.0f;
  }
  for (int w = 0; w < n_words; ++w) {
    for (std::uint64_t m = mask[w]; m != 0; m &= m - 1) {
      const int i = 64 * w + __builtin_ctzll(m);
      const float* row = rows + static_cast<std::size_t>(i) * row_floats;
      for (int c = 0; c < stride; ++c) current[c] += row[c];
      if (square) {
        const float* row2 = row + stride;
        for (int c = 0; c < stride; ++c) square[c] += row2[c];
      }
    }
  }
}

void accumulate_dense_scalar(const float* a, int stride, const float* s, int n_in, float* current,
                             float* square) {
  for (int c = 0; c < stride; ++c) {
    current[c] = 0.0f;
    if (square) square[c] = 0.0f;
  }
  for (int i = 0; i < n_in; ++i) {
    const float* row = a + static_cast<std::size_t>(i) * stride;
    for (int c = 0; c < stride; ++c) {
      const float v = s[i] * row[c];
      current[c] += v;
      if (square) square[c] += v * v;
    }
  }
}

std::uint32_t adc_unipolar_scalar(const float* current, const float* square, const float* z,
                                  int n_cols, int stride, const ReadConstants& rc, int adc_bits,
                                  float* codes) {
  std::uint32_t clamped_count = 0;
  for (int c = 0; c < stride; ++c) {
    float y = current[c];
    if (z) y += read_sigma(rc, square[c]) * z[c];
    bool clamped;
    codes[c] = adc_code(y, Scheme::kB, adc_bits, &clamped);
    if (clamped && c < n_cols) ++clamped_count;
  }
  return clamped_count;
}

void neurons_scalar(const float* codes, const int* col_pos, const int* col_neg, int n_out,
                    const NeuronConstants& nc, float* v, std::uint32_t* counts) {
  for (int j = 0; j < n_out; ++j) {
    float d = codes[col_pos[j]] - codes[col_neg[j]];
    if (nc.compensate) d *= nc.gain;
    counts[j] += if_step(&v[j], d, nc.leak, nc.threshold, nc.reset) ? 1u : 0u;
  }
}

}  // namespace

const Kernels& scalar_kernels() {
  static const Kernels k{"scalar",
                         normals_scalar,
                         accumulate_spikes_scalar,
                         accumulate_dense_scalar,
                         adc_unipolar_scalar,
                         neurons_scalar,
                         nullptr,
                         nullptr,
                         accumulate_list_scalar,
                         normals_gather_scalar};
  return k;
}

const Kernels& best_kernels() {
  static const Kernels* chosen = [] {
    const char* env = std::getenv("XBARMC_SIMD");
    if (env && std::strcmp(env, "scalar") == 0) return &scalar_kernels();
    if (env && std::strcmp(env, "avx2") == 0 && avx2_kernels()) return avx2_kernels();
    if (const Kernels* wide = avx512_kernels()) return wide;
    const Kernels* k = avx2_kernels();
    return k ? k : &scalar_kernels();
  }();
  return *chosen;
}

}  // namespace xbarmc::simd
