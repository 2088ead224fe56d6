// The reference engine: straight loops over chips, times, images, steps, rows and
// columns calling the include/xbarmc functions one value at a time (no bitmasks, no
// SIMD, no threads). Slow and obviously correct; tests hold the fast engines to it.
#pragma once

#include "engine/engine.hpp"

namespace xbarmc {

class ReferenceEngine : public Engine {
 public:
  std::string name() const override { return "reference"; }
  std::string device_name() const override { return "CPU (scalar reference)"; }
  void run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
           ChipBatchResult& out) override;
};

}  // namespace xbarmc
