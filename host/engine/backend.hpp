// Backend choice (--backend auto|cpu|cuda, DESIGN §5): which Engine runs a study.
// cuda fails with one line when CUDA support was not built or no device is present;
// auto takes the GPU when there is one and otherwise falls back to the CPU, saying so.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.hpp"

namespace xbarmc {

enum class BackendChoice { kAuto, kCpu, kCuda };

// Throws UserError naming the value unless it is auto, cpu or cuda.
BackendChoice parse_backend(const std::string& name);

// The engine for `choice`. `threads` is the CPU engine's thread count (0 = all).
// `note` (may be null) receives a one-line remark for the user, e.g. why auto fell
// back to the CPU; it is left empty when there is nothing to say.
std::unique_ptr<Engine> make_engine(BackendChoice choice, int threads, std::string* note);

}  // namespace xbarmc
