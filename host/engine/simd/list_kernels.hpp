// Row sums over a list of active rows, for the network path of the CPU engine (chips
// of many arrays, DESIGN §2.7): out[c] = Σ_k rows[list[k]·row_floats + c] for every
// c < row_floats, from +0.0f in list order (the ascending active rows of one array at
// one step). A row is the array's packed [a | a2] read matrix row, so one call gives the
// currents and the square sums of every column (readout.hpp). row_floats is a multiple
// of 16. Scalar, AVX2 and AVX-512 versions; bit-identical (each column is the same chain
// of float adds in the same order).
#pragma once

namespace xbarmc::simd {

using AccumulateListFn = void (*)(const float* rows, int row_floats, const int* list, int n,
                                  float* out);

void accumulate_list_scalar(const float* rows, int row_floats, const int* list, int n, float* out);
// nullptr when this build or this CPU lacks the instructions.
AccumulateListFn accumulate_list_avx2();
AccumulateListFn accumulate_list_avx512();

}  // namespace xbarmc::simd
