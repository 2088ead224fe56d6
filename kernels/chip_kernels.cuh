// Chip instances on the device (DESIGN §2.4): programming and drift per cell, A_eff
// per chip and time slot (IR-drop, nodal in double), the compensation gain and the
// read matrices a_ij, a2_ij in readout.hpp's working precision. The same include/
// functions as the CPU engine's chip_instance.cpp, in the same order, so the
// matrices are bit-identical to the host's.
#pragma once

#include "device_study.cuh"

namespace xbarmc::cuda {

// Fills batch.g_s, a_eff_s (which aliases g_s when there is no IR-drop), sums, a, a2
// and gain for every chip of the batch. Asynchronous on the default stream.
void launch_chip_matrices(const DeviceInputs& in, const DeviceBatch& batch);

// Whether A_eff differs from G: an IR-drop model with a wire that is not ideal.
bool has_ir_drop(const DeviceParams& d);

// Doubles of IR-drop scratch per (chip, slot).
std::size_t chip_scratch_doubles(const DeviceInputs& in);

}  // namespace xbarmc::cuda
