// The Monte Carlo inference kernel (DESIGN §2.5): every image of the study through
// every (chip, time) of a batch — crossbar read, read noise, ADC and IF neurons —
// reduced to correct / no-spike / saturation counts per (time, chip).
#pragma once

#include <cstddef>

#include "device_study.cuh"

namespace xbarmc::cuda {

// Largest arrays the kernel handles: two output pairs per lane.
constexpr int kMaxOutputs = 64;
constexpr int kMaxCols = 2 * kMaxOutputs;

// The kernel's read-matrix layout and lane split for a study (device_study.cuh).
ReadLayout read_layout(int n_out, bool noisy, bool dense);

// Throws UserError (exit 2) when one block of the kernel for `in` needs more shared
// memory than `device` gives a block: the read matrix and the per-warp scratch
// (dynamic) plus the kernel's static shared memory (cudaFuncGetAttributes).
void check_inference_fits(const DeviceInputs& in, int device);

// Adds the counts of every (chip, time) of the batch to batch.correct / no_spike /
// saturated, which the caller zeroes first. Asynchronous on the default stream.
void launch_inference(const DeviceInputs& in, const DeviceBatch& batch);

}  // namespace xbarmc::cuda
