// Device memory of one batch of chips (DeviceBatch), sized for the largest batch and
// kept across batches and Engine::run calls: memory is bounded by the batch size,
// never by n_chips, and a run of many batches allocates once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "device_buffer.cuh"
#include "device_study.cuh"

namespace xbarmc::cuda {

class BatchBuffers {
 public:
  // Device bytes one chip of a batch takes.
  static std::size_t bytes_per_chip(const DeviceInputs& in);
  // Time slots per chip: the study's times, plus t0 when drift compensation is on.
  static int slots(const DeviceInputs& in);

  // Room for `capacity_chips` chips of studies shaped like `in`; allocates only what is
  // missing. Throws CudaError (is_out_of_memory) when the device has too little memory.
  void reserve(const DeviceInputs& in, std::size_t capacity_chips);

  // A batch of chips [chip_begin, chip_begin + n_chips) (n_chips ≤ the reserved
  // capacity) with its counters zeroed.
  DeviceBatch begin_batch(const DeviceInputs& in, std::uint32_t chip_begin, int n_chips);

  // Counters of a batch, copied to the host, layout [time × n_chips].
  struct Counts {
    std::vector<std::uint32_t> correct, no_spike;
    std::vector<unsigned long long> saturated, spikes;
  };
  void fetch_counts(const DeviceInputs& in, const DeviceBatch& b, Counts& out) const;

 private:
  DeviceBuffer<double> g_s_, a_eff_s_, scratch_, sums_;
  DeviceBuffer<float> a_, gain_;
  DeviceBuffer<std::uint32_t> direct_solve_, correct_, no_spike_;
  DeviceBuffer<unsigned long long> saturated_, spikes_;
};

}  // namespace xbarmc::cuda
