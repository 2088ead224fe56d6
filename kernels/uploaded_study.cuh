// A study's inputs on the device: the arrays behind DeviceInputs and the input spikes
// and active-row lists computed there (input_kernels.cu). Kept across Engine::run
// calls: a call with the same study (as xbarmc mc makes, batch after batch) uploads
// nothing; only what changed is uploaded or rebuilt (the spike lists when the input
// fingerprint of the CPU engine's InputPlan or the read layout changes).
#pragma once

#include <cstdint>
#include <vector>

#include "device_buffer.cuh"
#include "device_study.cuh"
#include "engine/engine.hpp"

namespace xbarmc::cuda {

class UploadedStudy {
 public:
  // Makes the device copy equal to `in` (already validated).
  void update(const StudyInputs& in);
  const DeviceInputs& view() const { return view_; }

 private:
  DeviceBuffer<double> g_target_s_, times_s_;
  DeviceBuffer<float> features_, activations_;
  DeviceBuffer<std::uint32_t> image_ids_;
  DeviceBuffer<std::uint8_t> labels_;
  DeviceBuffer<std::uint64_t> masks_;
  DeviceBuffer<std::uint32_t> list_iters_, row_lists_;
  DeviceBuffer<std::uint64_t> list_start_;
  // What the device holds now, to tell what a new call changes.
  std::vector<double> g_target_host_, times_host_;
  std::vector<std::uint8_t> labels_host_;
  std::uint64_t input_key_ = 0;
  bool has_inputs_ = false;
  DeviceInputs view_;
};

// The constants of DeviceInputs (no device arrays): sizes and working-precision values.
DeviceInputs describe_study(const StudyInputs& in);

}  // namespace xbarmc::cuda
