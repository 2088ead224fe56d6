// The CPU backend: OpenMP over chips (or over images when there are fewer chips than
// threads), one ReadMatrix per chip and time, input spikes precomputed once per
// image as bitmasks, and the inner loop in simd::Kernels (AVX-512 or AVX2 when the CPU has it).
// Every chip's counts are a pure function of the inputs, so results do not depend
// on the thread count or on how a chip range is split into calls. One engine runs one
// call at a time (it caches the input spikes between calls); use one engine per thread
// of the caller if calls must overlap.
#pragma once

#include <memory>

#include "engine/engine.hpp"
#include "engine/input_plan.hpp"
#include "engine/simd/kernels.hpp"

namespace xbarmc {

class CpuEngine : public Engine {
 public:
  // threads = 0: OpenMP's default. kernels = nullptr: the best this CPU runs.
  explicit CpuEngine(int threads = 0, const simd::Kernels* kernels = nullptr);
  std::string name() const override { return "cpu"; }
  std::string device_name() const override;
  void run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
           ChipBatchResult& out) override;

 private:
  int threads_;
  const simd::Kernels* kernels_;
  InputPlan plan_;  // reused while the inputs' fingerprint stays the same
  bool plan_built_ = false;
};

// "Intel(R) Xeon(R) ... (AVX2)" from /proc/cpuinfo and the kernels in use.
std::string cpu_model_name();

}  // namespace xbarmc
