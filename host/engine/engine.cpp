#include "engine/engine.hpp"

namespace xbarmc {

void ChipBatchResult::reset(std::uint64_t begin, std::uint64_t end, int n_times, int n_layers) {
  chip_begin = begin;
  chip_end = end;
  const std::size_t n = static_cast<std::size_t>(n_times) * (end - begin);
  correct.assign(n, 0);
  no_spike.assign(n, 0);
  saturated.assign(n, 0);
  layer_saturated.assign(n * static_cast<std::size_t>(n_layers), 0);
  layer_spikes.assign(layer_saturated.size(), 0);
  verify_pulses.assign(end - begin, 0);
  verify_failures.assign(end - begin, 0);
  verify_cells.assign(end - begin, 0);
}

}  // namespace xbarmc
