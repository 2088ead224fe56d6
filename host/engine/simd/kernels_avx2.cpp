#include "engine/simd/kernels.hpp"

namespace xbarmc::simd {
const Kernels* avx2_kernels() { return nullptr; }
}  // namespace xbarmc::simd
