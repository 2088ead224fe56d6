// The kernels of networks on chips of many arrays (DESIGN §2.7): chip instances array by
// array (network_chip.cpp's operations) and the spiking inference of whole networks
// (the reference engine's arithmetic, in its order). Asynchronous on the default stream.
#pragma once

#include <cstddef>

#include "network_device.cuh"

namespace xbarmc::cuda {

// Every chip of the batch programmed and drifted to t_s (g_s), A_eff per array, and
// Σ A_eff per array into `sums`; with count_verify (once per batch) write-verify's
// outcomes are added into b.verify.
void launch_network_chip_at(const DeviceNetwork& net, const NetworkBatch& b, double t_s,
                            double* sums, bool count_verify);
// The read matrices and gains of time index `k` from the last launch_network_chip_at.
void launch_network_read(const DeviceNetwork& net, const NetworkBatch& b, int k);
// Every (chip, time) through every image; counters added into the batch's.
void launch_network_inference(const DeviceNetwork& net, const NetworkBatch& b);

// Doubles of IR-drop scratch per array; dynamic shared bytes of the inference kernel.
std::size_t network_scratch_doubles(const DeviceNetwork& net, int array_rows, int array_cols);
std::size_t network_inference_shared_bytes(const DeviceNetwork& net);

}  // namespace xbarmc::cuda
