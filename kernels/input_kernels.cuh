// Input spikes on the device, computed once per study (they depend on (image, t, row),
// not on the chip; encoding.hpp): spike codes as 64-row bitmasks [image][t][word],
// direct encoding as DAC activations [image][row], and from the masks the active-row
// lists of DeviceInputs that the inference kernel walks.
#pragma once

#include <cstdint>

#include "device_buffer.cuh"
#include "device_study.cuh"

namespace xbarmc::cuda {

void launch_input_plan(const DeviceInputs& in);

// The active-row lists of in.masks for the layout in.read (DeviceInputs::row_lists):
// fills list_iters and list_start ([n_groups × T] each) and `lists`, sized here.
void build_row_lists(const DeviceInputs& in, DeviceBuffer<std::uint32_t>& list_iters,
                     DeviceBuffer<std::uint64_t>& list_start, DeviceBuffer<std::uint32_t>& lists);

}  // namespace xbarmc::cuda
