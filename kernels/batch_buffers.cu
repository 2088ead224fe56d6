#include "batch_buffers.cuh"
#include "chip_kernels.cuh"

namespace xbarmc::cuda {
namespace {

std::size_t cells(const DeviceInputs& in) { return static_cast<std::size_t>(in.n_in) * in.n_cols; }
std::size_t read_floats(const DeviceInputs& in) {
  return static_cast<std::size_t>(in.n_in) * in.read.row_floats();
}

}  // namespace

int BatchBuffers::slots(const DeviceInputs& in) {
  return in.n_times + (in.device.drift_compensation ? 1 : 0);
}

std::size_t BatchBuffers::bytes_per_chip(const DeviceInputs& in) {
  const auto n_slots = static_cast<std::size_t>(slots(in));
  const auto times = static_cast<std::size_t>(in.n_times);
  const std::size_t doubles = n_slots * cells(in) * (has_ir_drop(in.device) ? 2 : 1) +
                              n_slots * chip_scratch_doubles(in) + n_slots;
  return doubles * sizeof(double) + n_slots * sizeof(std::uint32_t) +
         (read_floats(in) + 1) * times * sizeof(float) +
         times * (2 * sizeof(std::uint32_t) + 2 * sizeof(unsigned long long));
}

void BatchBuffers::reserve(const DeviceInputs& in, std::size_t capacity) {
  const auto n_slots = static_cast<std::size_t>(slots(in));
  const auto times = static_cast<std::size_t>(in.n_times);
  g_s_.reserve(capacity * n_slots * cells(in));
  if (has_ir_drop(in.device)) a_eff_s_.reserve(capacity * n_slots * cells(in));
  scratch_.reserve(capacity * n_slots * chip_scratch_doubles(in));
  sums_.reserve(capacity * n_slots);
  direct_solve_.reserve(capacity * n_slots);
  a_.reserve(capacity * times * read_floats(in));
  gain_.reserve(capacity * times);
  correct_.reserve(capacity * times);
  no_spike_.reserve(capacity * times);
  saturated_.reserve(capacity * times);
  spikes_.reserve(capacity * times);
}

DeviceBatch BatchBuffers::begin_batch(const DeviceInputs& in, std::uint32_t chip_begin,
                                      int n_chips) {
  DeviceBatch b;
  b.chip_begin = chip_begin;
  b.n_chips = n_chips;
  b.n_slots = slots(in);
  b.g_s = g_s_.data();
  b.a_eff_s = has_ir_drop(in.device) ? a_eff_s_.data() : b.g_s;
  b.scratch = scratch_.data();
  b.scratch_per = chip_scratch_doubles(in);
  b.sums = sums_.data();
  b.direct_solve = direct_solve_.data();
  b.a = a_.data();
  b.gain = gain_.data();
  b.correct = correct_.data();
  b.no_spike = no_spike_.data();
  b.saturated = saturated_.data();
  b.spikes = spikes_.data();
  const std::size_t n = static_cast<std::size_t>(in.n_times) * n_chips;
  correct_.zero(n);
  no_spike_.zero(n);
  saturated_.zero(n);
  spikes_.zero(n);
  return b;
}

void BatchBuffers::fetch_counts(const DeviceInputs& in, const DeviceBatch& b, Counts& out) const {
  const std::size_t n = static_cast<std::size_t>(in.n_times) * b.n_chips;
  out.correct.resize(n);
  out.no_spike.resize(n);
  out.saturated.resize(n);
  out.spikes.resize(n);
  correct_.download(out.correct.data(), n);
  no_spike_.download(out.no_spike.data(), n);
  saturated_.download(out.saturated.data(), n);
  spikes_.download(out.spikes.data(), n);
}

}  // namespace xbarmc::cuda
