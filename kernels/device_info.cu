// Which CUDA devices this process can use; the one place that asks the runtime.
#include "device_info.cuh"

#include <cuda_runtime.h>

namespace xbarmc::cuda {

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver"/"no device" error
    return 0;
  }
  return n;
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) return "unknown CUDA device";
  return prop.name;
}

}  // namespace xbarmc::cuda
