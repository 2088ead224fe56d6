// The hot pieces of the CPU engine's inner loop, as a table of plain functions with a
// portable scalar version, an AVX2 version and an AVX-512 version, the best the CPU
// runs chosen once at run time. All compute exactly the operation sequence of
// include/xbarmc (readout.hpp, rng.hpp), so they give bit-identical results; tests
// compare them lane by lane.
#pragma once

#include <cstdint>

#include "engine/simd/list_kernels.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/readout.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc::simd {

// out[q] = normal (4·first_block + q) of stream s, q < 4·n_blocks (stream_normal_float).
using NormalsFn = void (*)(const Stream& s, std::uint32_t first_block, std::uint32_t n_blocks,
                           float* out);
// out[4i + q] = normal q of block blocks[i] of stream s, i < n_blocks (the blocks of
// several ranges of normals in one call, so that no vector lane runs empty).
using NormalsGatherFn = void (*)(const Stream& s, const std::uint32_t* blocks,
                                 std::uint32_t n_blocks, float* out);
// current[c] = Σ_{set bits i, ascending} a_ic, c < stride (a multiple of 8). Without
// square (null), rows is MatrixLayout::kA: row i = a_i· at i·stride. With it, rows is
// MatrixLayout::kAA2 (row i = [a_i· | a2_i·] at i·2·stride), square[c] = Σ a2_ic likewise,
// and square is current + stride, so a kernel may treat (current, square) as one row.
using AccumulateSpikesFn = void (*)(const float* rows, int stride, const std::uint64_t* mask,
                                    int n_words, float* current, float* square);
// Every step of one image at once: out[t·row_floats + c] = Σ_{set bits i of masks[t],
// ascending} rows[i·row_floats + c] for t < n_steps, c < row_floats (the sum of
// AccumulateSpikesFn, row by row: rows is ReadMatrix::a or ::packed). One mask word per
// step (n_in ≤ 64), row_floats a multiple of 8 and ≤ 64, and row 64 of rows (and any
// from n_in on) a
// row of zeros, which a kernel may add to pad a step: a sum starts at +0.0 and so never
// holds −0.0, and adding +0.0 to anything else changes no bit.
using AccumulateStepsFn = void (*)(const float* rows, int row_floats, const std::uint64_t* masks,
                                   int n_steps, float* out);
// current[c] = Σ_i s_i·a[i·stride + c], square[c] = Σ_i (s_i·a)² (skipped when null).
using AccumulateDenseFn = void (*)(const float* a, int stride, const float* s, int n_in,
                                   float* current, float* square);
// Scheme B ADC of every column c < stride: y = I + sqrt(sr2·S + sa2)·z (when z is not null),
// codes[c] = adc_code(y); returns how many columns c < n_cols were clamped.
using AdcUnipolarFn = std::uint32_t (*)(const float* current, const float* square, const float* z,
                                        int n_cols, int stride, const ReadConstants& rc,
                                        int adc_bits, float* codes);

// Neurons of one scheme-B step: diff_j = codes[col_pos[j]] − codes[col_neg[j]] (·gain
// when compensating), then neuron.hpp's if_step on v[j], counts[j] += spike. col_pos,
// col_neg, v and counts hold a multiple of 8 entries (padding: index 0, ignored values).
struct NeuronConstants {
  float leak = 1.0f, threshold = 1.0f, gain = 1.0f;
  bool compensate = false;
  Reset reset = Reset::kSubtract;
  // A hint that col_pos[j] = 2j, col_neg[j] = 2j + 1 (interleaved layout), so a kernel
  // may load the pairs contiguously; codes must then hold 2·(n_out rounded up to 8)
  // readable floats.
  bool interleaved = false;
};
using NeuronsFn = void (*)(const float* codes, const int* col_pos, const int* col_neg, int n_out,
                           const NeuronConstants& nc, float* v, std::uint32_t* counts);

// Scheme B, every step of one image with the interleaved layout and n_out ≤ 16 (so
// n_cols ≤ 32): for t < n_steps, AdcUnipolarFn on the columns c < n_cols of current =
// read + t·read_step, square = current + square_offset (when z is not null) and z +
// t·n_cols, then NeuronsFn on those codes; returns the clamped count of all steps.
using AdcNeuronsStepsFn = std::uint32_t (*)(const float* read, int read_step, int square_offset,
                                            const float* z, int n_steps, int n_cols,
                                            const ReadConstants& rc, int adc_bits,
                                            const NeuronConstants& nc, int n_out, float* v,
                                            std::uint32_t* counts);

struct Kernels {
  const char* name;
  NormalsFn normals;
  AccumulateSpikesFn accumulate_spikes;
  AccumulateDenseFn accumulate_dense;
  AdcUnipolarFn adc_unipolar;
  NeuronsFn neurons;
  // Null where the per-step accumulate_spikes is the fastest this CPU has.
  AccumulateStepsFn accumulate_steps;
  AdcNeuronsStepsFn adc_neurons_steps;  // null likewise
  AccumulateListFn accumulate_list;     // list_kernels.hpp: the network path's row sums
  NormalsGatherFn normals_gather;
};

const Kernels& scalar_kernels();
// nullptr when this build or this CPU has no AVX2 + FMA.
const Kernels* avx2_kernels();
// AVX-512 (F + DQ) normals and row accumulation, AVX2 for the rest; nullptr without.
const Kernels* avx512_kernels();
// The fastest kernels this CPU runs (XBARMC_SIMD=scalar in the environment forces the
// portable path, for comparisons).
const Kernels& best_kernels();

}  // namespace xbarmc::simd
