// Device discovery for backend selection (--backend auto|cpu|cuda) and the figures
// the benchmark's napkin-math bound needs.
#pragma once

#include <cstddef>
#include <string>

namespace xbarmc::cuda {

// Number of usable CUDA devices; 0 without a driver or device.
int device_count();
std::string device_name(int device);

struct DeviceSpecs {
  std::string name;
  int sm_count = 0;
  double clock_hz = 0.0;            // peak SM clock
  double memory_bytes_per_s = 0.0;  // 2 (DDR) × memory clock × bus width
  std::size_t total_memory_bytes = 0;
};
// Throws CudaError when the device cannot be queried.
DeviceSpecs device_specs(int device);

}  // namespace xbarmc::cuda
