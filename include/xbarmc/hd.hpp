// Host/device annotations: every physics function in include/xbarmc is compiled
// by the host compiler for the CPU backend and by nvcc for the CUDA backend.
#pragma once

#if defined(__CUDACC__)
#define XBARMC_HD __host__ __device__ __forceinline__
#else
#define XBARMC_HD inline
#endif
