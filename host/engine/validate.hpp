// Validation of the chip-model parameters, in one place per struct (STYLE.md). Each
// check throws UserError naming the CLI option (e.g. "--c2c-sigma") and the bad value.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc {

constexpr int kMaxAdcBits = 16;
constexpr int kMaxDacBits = 16;
constexpr int kMaxTimesteps = 4096;
// Chip indices are the 32-bit `a` of the chip's random streams (xbarmc/chip.hpp): a study
// has at most 2^32 chips, indices [0, 2^32).
constexpr std::uint64_t kMaxChips = std::uint64_t(1) << 32;
// CPU threads of one process: libgomp fails or crashes when it cannot create them
// (tens of thousands here); 4096 is more than any one machine has today.
constexpr int kMaxThreads = 4096;

void validate_device(const DeviceParams& p);
// require_full_scale: i_fs_a must already be resolved (> 0).
void validate_readout(const ReadoutParams& r, bool require_full_scale);
// threshold is θ in code units (> 0); leak β in (0, 1].
void validate_neuron(const NeuronParams& n);
// Times after programming, in s: finite and ≥ 0.
void validate_times(const std::vector<double>& times_s);

// The read-noise normals of one chip and image are numbered by a 32-bit counter
// (read_noise_index, xbarmc/readout.hpp): with read noise on, n_times·T·n_cols must not
// exceed 2^32 (the one-layer chip; a network's channels are checked by make_network).
void validate_read_noise_draws(const StudyInputs& in);

// Everything an engine needs before run(): the parameter checks above (UserError) and
// consistent array sizes, a chip range that fits the 32-bit chip key (InternalError).
void validate_study_inputs(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end);

}  // namespace xbarmc
