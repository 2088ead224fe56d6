#include "backend/backend.hpp"

#include "common/errors.hpp"
#include "common/launcher.hpp"
#include "engine/cpu_engine.hpp"
#ifdef XBARMC_WITH_CUDA
#include "cuda_engine.hpp"
#include "device_info.hpp"
#endif

namespace xbarmc {
namespace {

// Why the CUDA backend cannot run here, or "" if it can.
std::string cuda_unavailable_reason() {
#ifdef XBARMC_WITH_CUDA
  if (cuda::device_count() == 0) return "no CUDA device";
  return "";
#else
  return "CUDA support not built (rebuild where nvcc is installed)";
#endif
}

}  // namespace

BackendChoice parse_backend(const std::string& name) {
  if (name == "auto") return BackendChoice::kAuto;
  if (name == "cpu") return BackendChoice::kCpu;
  if (name == "cuda") return BackendChoice::kCuda;
  throw UserError("--backend '" + name + "': expected auto, cpu or cuda");
}

std::unique_ptr<Engine> make_engine(BackendChoice choice, int threads, std::string* note,
                                    int local_rank) {
  if (note) note->clear();
  if (choice == BackendChoice::kCpu) return std::make_unique<CpuEngine>(threads);
  const std::string reason = cuda_unavailable_reason();
#ifdef XBARMC_WITH_CUDA
  if (reason.empty()) {
    // Ranks of one node share its GPUs: each takes its part of a device's free memory.
    const int devices = cuda::device_count();
    const int per_device = (launcher_local_size() + devices - 1) / devices;
    std::unique_ptr<Engine> gpu =
        cuda::make_cuda_engine(local_rank % devices, 1.0 / static_cast<double>(per_device));
    if (note && choice == BackendChoice::kAuto)
      *note = "backend auto: running on " + gpu->device_name();
    return gpu;
  }
#else
  (void)local_rank;
#endif
  if (choice == BackendChoice::kCuda) throw UserError("--backend cuda: " + reason);
  if (note) *note = "backend auto: " + reason + ", running on the CPU";
  return std::make_unique<CpuEngine>(threads);
}

int cuda_device_count() {
#ifdef XBARMC_WITH_CUDA
  return cuda::device_count();
#else
  return 0;
#endif
}

GpuFigures gpu_figures(int device) {
#ifdef XBARMC_WITH_CUDA
  if (device < 0 || device >= cuda::device_count()) {
    throw UserError("CUDA device " + std::to_string(device) + " does not exist");
  }
  const cuda::DeviceSpecs s = cuda::device_specs(device);
  GpuFigures f;
  f.name = s.name;
  f.sm_count = s.sm_count;
  f.clock_hz = s.clock_hz;
  f.memory_bytes_per_s = s.memory_bytes_per_s;
  f.total_memory_bytes = s.total_memory_bytes;
  return f;
#else
  (void)device;
  throw UserError("CUDA support not built (rebuild where nvcc is installed)");
#endif
}

}  // namespace xbarmc
