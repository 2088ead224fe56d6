// CudaEngine: keeps a study on the device across Engine::run calls (UploadedStudy:
// input spikes and active-row lists built there once), then walks the chip range in
// batches sized to its share of the device's free memory: chip matrices
// (chip_kernels.cu), inference over (chip, image-group) tiles (inference_kernel.cu),
// the counters back to the host. Batch buffers are kept too, grown when a study needs
// more, and shrunk in steps when an allocation fails (other processes on the device).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "batch_buffers.cuh"
#include "chip_kernels.cuh"
#include "common/errors.hpp"
#include "cuda_check.cuh"
#include "cuda_engine.hpp"
#include "device_info.hpp"
#include "engine/validate.hpp"
#include "inference_kernel.cuh"
#include "network_engine.cuh"
#include "uploaded_study.cuh"

namespace xbarmc::cuda {
namespace {

// More chips per batch do not fill the device any better; fewer keep grids in range.
constexpr std::size_t kMaxBatchChips = 16384;
// Share of the free device memory the batches may take (the rest stays for the runtime).
constexpr double kBatchMemoryShare = 0.6;

// XBARMC_CUDA_FAULT=trap makes every run start with a kernel that traps: a sticky
// device error on demand, to test that it ends the process with exit status 1 and one
// line (tests/gpu/test_cuda_cli.cu), not in std::terminate.
__global__ void trap_kernel() {
  __trap();
}

bool fault_requested() {
  const char* f = std::getenv("XBARMC_CUDA_FAULT");
  return f && std::strcmp(f, "trap") == 0;
}

class CudaEngine final : public Engine {
 public:
  CudaEngine(int device, const CudaEngineOptions& o)
      : device_(device), options_(o), inject_fault_(fault_requested()) {}
  std::string name() const override { return "cuda"; }
  std::string device_name() const override { return cuda::device_name(device_); }
  std::uint64_t preferred_batch_chips() const override {
    return options_.max_batch_chips ? options_.max_batch_chips : kMaxBatchChips;
  }
  void run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
           ChipBatchResult& out) override;

 private:
  std::size_t batch_capacity(const DeviceInputs& in, std::size_t n_chips) const;
  std::size_t reserve_batches(const DeviceInputs& in, std::size_t capacity);
  int device_;
  CudaEngineOptions options_;
  bool inject_fault_;
  UploadedStudy study_;
  BatchBuffers buffers_;
  NetworkOnDevice network_;  // networks on many arrays (DESIGN §2.7)
  std::size_t reserved_chips_ = 0, reserved_per_chip_ = 0;  // what buffers_ holds room for
  BatchBuffers::Counts counts_;
};

// Chips per batch: all of them up to kMaxBatchChips (and the test option), as far as
// the memory budget allows: its share of the free memory plus what this engine holds.
std::size_t CudaEngine::batch_capacity(const DeviceInputs& in, std::size_t n_chips) const {
  // Grids index (chip, time) pairs with int.
  const std::size_t grid_cap = (std::size_t(1) << 30) / static_cast<std::size_t>(in.n_times + 1);
  std::size_t want = std::min({n_chips, kMaxBatchChips, grid_cap});
  if (options_.max_batch_chips) want = std::min(want, options_.max_batch_chips);
  want = std::max<std::size_t>(want, 1);
  const std::size_t per_chip = BatchBuffers::bytes_per_chip(in);
  if (per_chip == reserved_per_chip_ && reserved_chips_ >= want) return want;
  std::size_t free_bytes = 0, total_bytes = 0;
  XBARMC_CUDA_CALL(cudaMemGetInfo(&free_bytes, &total_bytes));
  const double held = static_cast<double>(reserved_chips_ * reserved_per_chip_);
  const auto budget = static_cast<std::size_t>(kBatchMemoryShare * options_.memory_share *
                                               (static_cast<double>(free_bytes) + held));
  if (budget < per_chip) {
    throw InternalError("CUDA engine: one chip needs " + std::to_string(per_chip) +
                        " bytes of device memory, " + std::to_string(free_bytes) + " are free");
  }
  return std::min(want, budget / per_chip);
}

// Reserves room for `capacity` chips, halving it on an allocation failure (another
// process or rank took the memory meanwhile); returns the capacity reserved.
std::size_t CudaEngine::reserve_batches(const DeviceInputs& in, std::size_t capacity) {
  const std::size_t per_chip = BatchBuffers::bytes_per_chip(in);
  for (;;) {
    try {
      buffers_.reserve(in, capacity);  // allocates only the buffers that are too small
      if (per_chip != reserved_per_chip_ || capacity > reserved_chips_) {
        reserved_chips_ = capacity;
        reserved_per_chip_ = per_chip;
      }
      return capacity;
    } catch (const CudaError& e) {
      if (!is_out_of_memory(e) || capacity == 1) throw;
      cudaGetLastError();  // an allocation failure is not sticky; clear it
      capacity /= 2;
    }
  }
}

void CudaEngine::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                     ChipBatchResult& out) {
  validate_study_inputs(in, chip_begin, chip_end);
  XBARMC_CUDA_CALL(cudaSetDevice(device_));
  if (!in.layers.empty() || in.array_rows != 0 || in.array_cols != 0) {
    if (inject_fault_) {
      trap_kernel<<<1, 1>>>();
      XBARMC_CUDA_CALL(cudaDeviceSynchronize());
    }
    network_.run(in, chip_begin, chip_end, options_.memory_share, options_.max_batch_chips, device_,
                 out);
    return;
  }
  const std::size_t n_chips = chip_end - chip_begin;
  const int n_times = in.n_times();
  // One layer: its saturation is the total.
  out.reset(chip_begin, chip_end, n_times, 1);
  check_inference_fits(describe_study(in), device_);
  if (inject_fault_) {
    trap_kernel<<<1, 1>>>();
    XBARMC_CUDA_CALL(cudaDeviceSynchronize());
  }
  if (n_chips == 0 || n_times == 0 || in.n_images() == 0) return;

  study_.update(in);
  const DeviceInputs& di = study_.view();
  // A study shaped like the last one reuses its buffers (xbarmc mc: every batch).
  const std::size_t capacity = reserve_batches(di, batch_capacity(di, n_chips));
  for (std::size_t first = 0; first < n_chips; first += capacity) {
    const int batch_chips = static_cast<int>(std::min(capacity, n_chips - first));
    const DeviceBatch b =
        buffers_.begin_batch(di, static_cast<std::uint32_t>(chip_begin + first), batch_chips);
    launch_chip_matrices(di, b);
    launch_inference(di, b);
    XBARMC_CUDA_CALL(cudaDeviceSynchronize());
    buffers_.fetch_counts(di, b, counts_);
    // Batch layout [time × batch chips] → result layout [time × n_chips].
    for (int k = 0; k < n_times; ++k) {
      for (int c = 0; c < batch_chips; ++c) {
        const std::size_t from = static_cast<std::size_t>(k) * batch_chips + c;
        const std::size_t to = static_cast<std::size_t>(k) * n_chips + first + c;
        out.correct[to] = counts_.correct[from];
        out.no_spike[to] = counts_.no_spike[from];
        out.saturated[to] = counts_.saturated[from];
        out.layer_saturated[to] = counts_.saturated[from];
        out.layer_spikes[to] = counts_.spikes[from];
      }
    }
  }
}

}  // namespace

std::unique_ptr<Engine> make_cuda_engine(int device, const CudaEngineOptions& options) {
  const int n = device_count();
  if (n == 0) throw UserError("--backend cuda: no CUDA device");
  if (device < 0 || device >= n) {
    throw UserError("CUDA device " + std::to_string(device) + " does not exist (" +
                    std::to_string(n) + " present)");
  }
  if (!(options.memory_share > 0.0 && options.memory_share <= 1.0)) {
    throw InternalError("CUDA engine: memory share must be in (0, 1]");
  }
  return std::make_unique<CudaEngine>(device, options);
}

std::unique_ptr<Engine> make_cuda_engine(int device, double memory_share) {
  CudaEngineOptions o;
  o.memory_share = memory_share;
  return make_cuda_engine(device, o);
}

}  // namespace xbarmc::cuda
