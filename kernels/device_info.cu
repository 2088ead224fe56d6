// Which CUDA devices this process can use; the one place that asks the runtime.
#include <cuda_runtime.h>

#include "cuda_check.cuh"
#include "device_info.hpp"

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

DeviceSpecs device_specs(int device) {
  DeviceSpecs s;
  s.name = device_name(device);
  int sms = 0, clock_khz = 0, mem_clock_khz = 0, bus_bits = 0;
  XBARMC_CUDA_CALL(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  XBARMC_CUDA_CALL(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, device));
  XBARMC_CUDA_CALL(cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, device));
  XBARMC_CUDA_CALL(cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, device));
  s.sm_count = sms;
  s.clock_hz = 1e3 * clock_khz;
  s.memory_bytes_per_s = 2.0 * 1e3 * mem_clock_khz * (bus_bits / 8.0);
  std::size_t free_bytes = 0;
  XBARMC_CUDA_CALL(cudaSetDevice(device));
  XBARMC_CUDA_CALL(cudaMemGetInfo(&free_bytes, &s.total_memory_bytes));
  return s;
}

}  // namespace xbarmc::cuda
