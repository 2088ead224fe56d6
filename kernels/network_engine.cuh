// Networks on chips of many arrays on the device (DESIGN §2.7): the study uploaded once
// and kept while it stays the same (the arrays, keys, units and thresholds of the host's
// engine/network.hpp; the input spikes of the CPU engine's InputPlan), then chips in
// batches sized to a share of the free memory: every time slot's chip instance array by
// array, then the whole network's inference (network_kernels.cuh).
#pragma once

#include <cstdint>
#include <vector>

#include "device_buffer.cuh"
#include "engine/engine.hpp"
#include "engine/input_plan.hpp"
#include "network_device.cuh"

namespace xbarmc::cuda {

class NetworkOnDevice {
 public:
  // Chips [chip_begin, chip_end) of `in` (a network; validated), at most `max_batch`
  // chips per launch (0 = by memory), within `memory_share` of the free memory.
  void run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
           double memory_share, std::size_t max_batch, int device, ChipBatchResult& out);

 private:
  void upload(const StudyInputs& in);
  std::size_t bytes_per_chip() const;

  DeviceNetwork view_;
  InputPlan plan_;
  bool plan_built_ = false;
  std::vector<double> g_target_host_;
  DeviceBuffer<ArrayPlacement> arrays_;
  DeviceBuffer<DeviceLayer> layers_;
  DeviceBuffer<double> g_target_, times_;
  DeviceBuffer<float> bias_codes_, activations_;
  DeviceBuffer<std::uint64_t> masks_;
  DeviceBuffer<std::uint32_t> image_ids_;
  DeviceBuffer<std::uint8_t> labels_;
  std::size_t scratch_per_ = 0;
  bool ir_drop_ = false;  // A_eff differs from G (else it aliases it)
  // Batch buffers, grown when a batch needs more.
  DeviceBuffer<double> g_s_, a_eff_s_, scratch_, sum_t0_, sum_t_;
  DeviceBuffer<float> a_, b_, gain_;
  DeviceBuffer<LevelDevice> level_device_;
  DeviceBuffer<std::int32_t> cell_level_;
  DeviceBuffer<unsigned long long> verify_;
  DeviceBuffer<std::uint32_t> correct_, no_spike_;
  DeviceBuffer<unsigned long long> saturated_, spikes_;
};

}  // namespace xbarmc::cuda
