// The CUDA backend behind the Engine interface (DESIGN §5). Plain C++: host code may
// include it, but only where CUDA support was built (#ifdef XBARMC_WITH_CUDA).
#pragma once

#include <cstddef>
#include <memory>

#include "engine/engine.hpp"

namespace xbarmc::cuda {

struct CudaEngineOptions {
  // Share of the device's free memory this engine may take for its batches: 1 for a
  // process alone on the device, 1/K for each of K MPI ranks that share it.
  double memory_share = 1.0;
  // Largest batch of chips per kernel launch, 0 = sized to the memory budget. Tests
  // set it below the chip count to cover the multi-batch loop.
  std::size_t max_batch_chips = 0;
};

// An engine on CUDA device `device`. Throws UserError when there is no such device.
// Results equal the CPU engine's per chip, count for count (DESIGN §4).
std::unique_ptr<Engine> make_cuda_engine(int device = 0, double memory_share = 1.0);
std::unique_ptr<Engine> make_cuda_engine(int device, const CudaEngineOptions& options);

}  // namespace xbarmc::cuda
