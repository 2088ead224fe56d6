#include "engine/backend.hpp"

#include "common/errors.hpp"
#include "engine/cpu_engine.hpp"
#ifdef XBARMC_WITH_CUDA
#include "cuda_engine.hpp"
#include "device_info.cuh"
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

std::unique_ptr<Engine> make_engine(BackendChoice choice, int threads, std::string* note) {
  if (note) note->clear();
  if (choice == BackendChoice::kCpu) return std::make_unique<CpuEngine>(threads);
  const std::string reason = cuda_unavailable_reason();
#ifdef XBARMC_WITH_CUDA
  if (reason.empty()) {
    std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0);
    if (note && choice == BackendChoice::kAuto) *note = "backend auto: running on " + gpu->device_name();
    return gpu;
  }
#endif
  if (choice == BackendChoice::kCuda) throw UserError("--backend cuda: " + reason);
  if (note) *note = "backend auto: " + reason + ", running on the CPU";
  return std::make_unique<CpuEngine>(threads);
}

}  // namespace xbarmc
