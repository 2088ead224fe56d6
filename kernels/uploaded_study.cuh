// A study's inputs on the device: the arrays behind DeviceInputs, uploaded once per
// Engine::run, and the input spikes computed there (input_kernels.cu). RAII: the
// device memory lives exactly as long as the object.
#pragma once

#include <thrust/device_vector.h>

#include <cstdint>

#include "device_study.cuh"
#include "engine/engine.hpp"

namespace xbarmc::cuda {

class UploadedStudy {
 public:
  // Uploads `in` (already validated) and launches the input-plan kernel.
  explicit UploadedStudy(const StudyInputs& in);
  const DeviceInputs& view() const { return view_; }

 private:
  thrust::device_vector<double> g_target_s_, times_s_;
  thrust::device_vector<float> features_, activations_;
  thrust::device_vector<std::uint32_t> image_ids_;
  thrust::device_vector<std::uint8_t> labels_;
  thrust::device_vector<std::uint64_t> masks_;
  DeviceInputs view_;
};

// The constants of DeviceInputs (no device arrays): sizes and working-precision values.
DeviceInputs describe_study(const StudyInputs& in);

}  // namespace xbarmc::cuda
