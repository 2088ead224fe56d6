// Device discovery for backend selection (--backend auto|cpu|cuda).
#pragma once

#include <string>

namespace xbarmc::cuda {

// Number of usable CUDA devices; 0 without a driver or device.
int device_count();
std::string device_name(int device);

}  // namespace xbarmc::cuda
