// Device memory of one batch of chips (DeviceBatch), allocated once per run for the
// largest batch and reused: memory is bounded by the batch size, never by n_chips.
#pragma once

#include <thrust/device_vector.h>
#include <thrust/host_vector.h>

#include <cstddef>
#include <cstdint>

#include "device_study.cuh"

namespace xbarmc::cuda {

class BatchBuffers {
 public:
  BatchBuffers(const DeviceInputs& in, std::size_t capacity_chips);

  // Device bytes one chip of a batch takes.
  static std::size_t bytes_per_chip(const DeviceInputs& in);
  // Time slots per chip: the study's times, plus t0 when drift compensation is on.
  static int slots(const DeviceInputs& in);

  // A batch of chips [chip_begin, chip_begin + n_chips) with zeroed counters.
  DeviceBatch begin_batch(std::uint32_t chip_begin, int n_chips);

  // Counters of the last batch, copied to the host, layout [time × n_chips].
  struct Counts {
    thrust::host_vector<std::uint32_t> correct, no_spike;
    thrust::host_vector<unsigned long long> saturated;
  };
  void fetch_counts(const DeviceBatch& b, Counts& out) const;

 private:
  int n_times_ = 0, n_slots_ = 0;
  std::size_t cells_ = 0, scratch_per_ = 0;
  bool ir_drop_ = false;
  thrust::device_vector<double> g_s_, a_eff_s_, scratch_, sums_;
  thrust::device_vector<float> a_, a2_, gain_;
  thrust::device_vector<std::uint32_t> correct_, no_spike_;
  thrust::device_vector<unsigned long long> saturated_;
};

}  // namespace xbarmc::cuda
