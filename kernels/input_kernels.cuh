// Input spikes on the device, computed once per run (they depend on (image, t, row),
// not on the chip; encoding.hpp): spike codes as 64-row bitmasks [image][t][word],
// direct encoding as DAC activations [image][row]. Same layout as the CPU engine's
// InputPlan.
#pragma once

#include "device_study.cuh"

namespace xbarmc::cuda {

void launch_input_plan(const DeviceInputs& in);

}  // namespace xbarmc::cuda
