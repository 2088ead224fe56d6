// CUDA error handling for the kernels/ launchers. Every runtime call goes through
// XBARMC_CUDA_CALL, which throws CudaError naming the call, file:line and the
// runtime's error string (nvbench's NVBENCH_CUDA_CALL). Device memory is owned by
// DeviceBuffer (device_buffer.cuh), whose teardown never throws.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace xbarmc::cuda {

struct CudaError : std::runtime_error {
  CudaError(cudaError_t c, const std::string& what) : std::runtime_error(what), code(c) {}
  cudaError_t code;
};

namespace detail {
[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file,
                                          int line) {
  throw CudaError(err, std::string("CUDA call ") + call + " failed at " + file + ":" +
                  std::to_string(line) + ": " + cudaGetErrorName(err) + " (" +
                  cudaGetErrorString(err) + ")");
}

inline void check_launch(const char* kernel, const char* file, int line) {
  const cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess)
    throw_cuda_error(err, (std::string("launch of ") + kernel).c_str(), file, line);
}
}  // namespace detail

}  // namespace xbarmc::cuda

#define XBARMC_CUDA_CALL(expr)                                                               \
  do {                                                                                       \
    const cudaError_t xbarmc_cuda_err_ = (expr);                                             \
    if (xbarmc_cuda_err_ != cudaSuccess)                                                     \
      ::xbarmc::cuda::detail::throw_cuda_error(xbarmc_cuda_err_, #expr, __FILE__, __LINE__); \
  } while (0)

// After a kernel launch, so that a bad launch configuration names the kernel.
#define XBARMC_CUDA_CHECK_LAUNCH(kernel) \
  ::xbarmc::cuda::detail::check_launch(#kernel, __FILE__, __LINE__)
