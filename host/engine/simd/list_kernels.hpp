// Row sums over a list of active rows, for the network path of the CPU engine (chips
// of many arrays, DESIGN §2.7): for every column c < row_floats,
//   current[c] = Σ_k a[list[k]·row_floats + c],  square[c] = Σ_k b·b  (when square ≠ null),
// from +0.0f in list order (the ascending active rows of one array at one step). `a` is
// the array's read matrix, rows padded with zeros to row_floats, a multiple of 16; `b`
// the matrix whose squares the read noise sums: a itself (b = a), or with a measured
// table's per-level read σ the noise matrix b = σ_k·a (readout.hpp). The square of an
// entry is the float product b·b, formed as the rows are read: the same bits as
// readout.hpp's a2 = a·a. Scalar, AVX2 and AVX-512 versions; bit-identical (each column
// is the same chain of float adds in the same order).
#pragma once

namespace xbarmc::simd {

using AccumulateListFn = void (*)(const float* a, const float* b, int row_floats, const int* list,
                                  int n, float* current, float* square);

void accumulate_list_scalar(const float* a, const float* b, int row_floats, const int* list, int n,
                            float* current, float* square);
// nullptr when this build or this CPU lacks the instructions.
AccumulateListFn accumulate_list_avx2();
AccumulateListFn accumulate_list_avx512();

}  // namespace xbarmc::simd
