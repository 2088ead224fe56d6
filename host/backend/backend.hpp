// Backend choice (--backend auto|cpu|cuda, DESIGN §5): which Engine runs a study, and
// what host code may know of the CUDA devices. The only place above kernels/ that
// knows the CUDA backend exists: cuda fails with one line when CUDA support was not
// built or no device is present; auto takes the GPU when there is one and otherwise
// falls back to the CPU, saying so.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "engine/engine.hpp"

namespace xbarmc {

enum class BackendChoice { kAuto, kCpu, kCuda };

// Throws UserError naming the value unless it is auto, cpu or cuda.
BackendChoice parse_backend(const std::string& name);

// The engine for `choice`. `threads` is the CPU engine's thread count (0 = all).
// `note` (may be null) receives a one-line remark for the user, e.g. why auto fell
// back to the CPU; it is left empty when there is nothing to say. Under MPI,
// `local_rank` (the rank's index on its node) picks the CUDA device local_rank mod
// the device count.
std::unique_ptr<Engine> make_engine(BackendChoice choice, int threads, std::string* note,
                                    int local_rank = 0);

// CUDA devices this process can use; 0 without CUDA support, a driver or a device.
int cuda_device_count();

// What the GPU benchmark's napkin bound needs of device `device`
// (kernels/device_info.hpp); throws UserError without CUDA support or device.
struct GpuFigures {
  std::string name;
  int sm_count = 0;
  double clock_hz = 0.0;            // peak SM clock
  double memory_bytes_per_s = 0.0;  // 2 (DDR) × memory clock × bus width
  std::size_t total_memory_bytes = 0;
};
GpuFigures gpu_figures(int device);

}  // namespace xbarmc
