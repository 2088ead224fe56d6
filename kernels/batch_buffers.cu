#include <thrust/fill.h>

#include "batch_buffers.cuh"
#include "chip_kernels.cuh"

namespace xbarmc::cuda {

int BatchBuffers::slots(const DeviceInputs& in) {
  return in.n_times + (in.device.drift_compensation ? 1 : 0);
}

std::size_t BatchBuffers::bytes_per_chip(const DeviceInputs& in) {
  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  const auto n_slots = static_cast<std::size_t>(slots(in));
  const auto times = static_cast<std::size_t>(in.n_times);
  const std::size_t doubles = n_slots * cells * (has_ir_drop(in.device) ? 2 : 1) +
                              n_slots * chip_scratch_doubles(in) + n_slots;
  return doubles * sizeof(double) + (2 * cells + 1) * times * sizeof(float) +
         times * (2 * sizeof(std::uint32_t) + sizeof(unsigned long long));
}

BatchBuffers::BatchBuffers(const DeviceInputs& in, std::size_t capacity)
    : n_times_(in.n_times),
      n_slots_(slots(in)),
      cells_(static_cast<std::size_t>(in.n_in) * in.n_cols),
      scratch_per_(chip_scratch_doubles(in)),
      ir_drop_(has_ir_drop(in.device)),
      g_s_(capacity * n_slots_ * cells_),
      a_eff_s_(ir_drop_ ? g_s_.size() : 0),
      scratch_(capacity * n_slots_ * scratch_per_),
      sums_(capacity * n_slots_),
      a_(capacity * n_times_ * cells_),
      a2_(a_.size()),
      gain_(capacity * n_times_),
      correct_(capacity * n_times_),
      no_spike_(correct_.size()),
      saturated_(correct_.size()) {}

DeviceBatch BatchBuffers::begin_batch(std::uint32_t chip_begin, int n_chips) {
  DeviceBatch b;
  b.chip_begin = chip_begin;
  b.n_chips = n_chips;
  b.n_slots = n_slots_;
  b.g_s = thrust::raw_pointer_cast(g_s_.data());
  b.a_eff_s = ir_drop_ ? thrust::raw_pointer_cast(a_eff_s_.data()) : b.g_s;
  b.scratch = thrust::raw_pointer_cast(scratch_.data());
  b.scratch_per = scratch_per_;
  b.sums = thrust::raw_pointer_cast(sums_.data());
  b.a = thrust::raw_pointer_cast(a_.data());
  b.a2 = thrust::raw_pointer_cast(a2_.data());
  b.gain = thrust::raw_pointer_cast(gain_.data());
  b.correct = thrust::raw_pointer_cast(correct_.data());
  b.no_spike = thrust::raw_pointer_cast(no_spike_.data());
  b.saturated = thrust::raw_pointer_cast(saturated_.data());
  const std::size_t n = static_cast<std::size_t>(n_times_) * n_chips;
  thrust::fill_n(correct_.begin(), n, 0u);
  thrust::fill_n(no_spike_.begin(), n, 0u);
  thrust::fill_n(saturated_.begin(), n, 0ull);
  return b;
}

void BatchBuffers::fetch_counts(const DeviceBatch& b, Counts& out) const {
  const auto n = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(n_times_) * b.n_chips);
  out.correct.assign(correct_.begin(), correct_.begin() + n);
  out.no_spike.assign(no_spike_.begin(), no_spike_.begin() + n);
  out.saturated.assign(saturated_.begin(), saturated_.begin() + n);
}

}  // namespace xbarmc::cuda
