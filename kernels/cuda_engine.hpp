// The CUDA backend behind the Engine interface (DESIGN §5). Plain C++: host code may
// include it, but only where CUDA support was built (#ifdef XBARMC_WITH_CUDA).
#pragma once

#include <memory>

#include "engine/engine.hpp"

namespace xbarmc::cuda {

// An engine on CUDA device `device`. Throws UserError when there is no such device.
// Results equal the CPU engine's per chip (DESIGN §4), up to rare float-rounding flips.
std::unique_ptr<Engine> make_cuda_engine(int device = 0);

}  // namespace xbarmc::cuda
