// The Monte Carlo inference kernel (DESIGN §2.5): every image of the study through
// every (chip, time) of a batch — crossbar read, read noise, ADC and IF neurons —
// reduced to correct / no-spike / saturation counts per (time, chip).
#pragma once

#include <cstddef>

#include "device_study.cuh"

namespace xbarmc::cuda {

// Largest arrays the kernel handles: columns are spread over a warp's lanes.
constexpr int kMaxColsPerLane = 4;
constexpr int kMaxCols = 32 * kMaxColsPerLane;  // n_cols ≤ 128, so n_out ≤ 64

// Dynamic shared memory one block needs; the caller checks it against the device.
std::size_t inference_shared_bytes(const DeviceInputs& in);

// Adds the counts of every (chip, time) of the batch to batch.correct / no_spike /
// saturated, which the caller zeroes first. Asynchronous on the default stream.
void launch_inference(const DeviceInputs& in, const DeviceBatch& batch);

}  // namespace xbarmc::cuda
