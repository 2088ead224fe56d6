// CudaEngine: uploads a study once per run (UploadedStudy, which also computes the
// input spikes on the device), then walks the chip range in batches sized to the
// device's free memory: chip matrices (chip_kernels.cu), then inference over
// (chip, image) tiles (inference_kernel.cu), then the counters back to the host.
#include <algorithm>
#include <string>

#include "batch_buffers.cuh"
#include "chip_kernels.cuh"
#include "common/errors.hpp"
#include "cuda_check.cuh"
#include "cuda_engine.hpp"
#include "device_info.hpp"
#include "engine/validate.hpp"
#include "inference_kernel.cuh"
#include "uploaded_study.cuh"

namespace xbarmc::cuda {
namespace {

// More chips per batch do not fill the device any better; fewer keep grids in range.
constexpr std::size_t kMaxBatchChips = 16384;
// Share of the free device memory one batch may take (the rest stays for the runtime).
constexpr double kBatchMemoryShare = 0.6;
constexpr int kMaxImages = 65535 * 128;  // gridDim.y × images per block

class CudaEngine final : public Engine {
 public:
  explicit CudaEngine(int device) : device_(device) {}
  std::string name() const override { return "cuda"; }
  std::string device_name() const override { return cuda::device_name(device_); }
  void run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
           ChipBatchResult& out) override;

 private:
  void check_limits(const DeviceInputs& in) const;
  std::size_t batch_capacity(const DeviceInputs& in, std::size_t n_chips) const;
  int device_;
};

void CudaEngine::check_limits(const DeviceInputs& in) const {
  const std::string shape = std::to_string(in.n_in) + "x" + std::to_string(in.n_cols);
  if (in.n_cols > kMaxCols) {
    throw UserError("CUDA engine: a " + shape + " array has more than " + std::to_string(kMaxCols) +
                    " physical columns (use --backend cpu)");
  }
  if (in.n_images > kMaxImages) {
    throw UserError("CUDA engine: " + std::to_string(in.n_images) + " images, at most " +
                    std::to_string(kMaxImages) + " per run");
  }
  int max_shared = 0;
  XBARMC_CUDA_CALL(
      cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device_));
  const std::size_t need = inference_shared_bytes(in);
  if (need > static_cast<std::size_t>(max_shared)) {
    throw UserError("CUDA engine: a " + shape + " array needs " + std::to_string(need) +
                    " bytes of shared memory per block, the device has " +
                    std::to_string(max_shared) + " (use --backend cpu)");
  }
}

std::size_t CudaEngine::batch_capacity(const DeviceInputs& in, std::size_t n_chips) const {
  const std::size_t per_chip = BatchBuffers::bytes_per_chip(in);
  std::size_t free_bytes = 0, total_bytes = 0;
  XBARMC_CUDA_CALL(cudaMemGetInfo(&free_bytes, &total_bytes));
  const auto budget = static_cast<std::size_t>(kBatchMemoryShare * static_cast<double>(free_bytes));
  if (budget < per_chip) {
    throw InternalError("CUDA engine: one chip needs " + std::to_string(per_chip) +
                        " bytes of device memory, " + std::to_string(free_bytes) + " are free");
  }
  // Grids index (chip, slot) pairs with int.
  const std::size_t grid_cap =
      (std::size_t(1) << 30) / static_cast<std::size_t>(BatchBuffers::slots(in));
  return std::min({n_chips, budget / per_chip, kMaxBatchChips, grid_cap});
}

void CudaEngine::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                     ChipBatchResult& out) {
  validate_study_inputs(in, chip_begin, chip_end);
  XBARMC_CUDA_CALL(cudaSetDevice(device_));
  const std::size_t n_chips = chip_end - chip_begin;
  const int n_times = in.n_times();
  out.chip_begin = chip_begin;
  out.chip_end = chip_end;
  out.correct.assign(static_cast<std::size_t>(n_times) * n_chips, 0);
  out.no_spike.assign(out.correct.size(), 0);
  out.saturated.assign(out.correct.size(), 0);
  check_limits(describe_study(in));
  if (n_chips == 0 || n_times == 0 || in.n_images() == 0) return;

  const UploadedStudy study(in);
  const DeviceInputs& di = study.view();
  const std::size_t capacity = batch_capacity(di, n_chips);
  BatchBuffers buffers(di, capacity);
  BatchBuffers::Counts counts;
  for (std::size_t first = 0; first < n_chips; first += capacity) {
    const int batch_chips = static_cast<int>(std::min(capacity, n_chips - first));
    const DeviceBatch b =
        buffers.begin_batch(static_cast<std::uint32_t>(chip_begin + first), batch_chips);
    launch_chip_matrices(di, b);
    launch_inference(di, b);
    XBARMC_CUDA_CALL(cudaDeviceSynchronize());
    buffers.fetch_counts(b, counts);
    // Batch layout [time × batch chips] → result layout [time × n_chips].
    for (int k = 0; k < n_times; ++k) {
      for (int c = 0; c < batch_chips; ++c) {
        const std::size_t from = static_cast<std::size_t>(k) * batch_chips + c;
        const std::size_t to = static_cast<std::size_t>(k) * n_chips + first + c;
        out.correct[to] = counts.correct[from];
        out.no_spike[to] = counts.no_spike[from];
        out.saturated[to] = counts.saturated[from];
      }
    }
  }
}

}  // namespace

std::unique_ptr<Engine> make_cuda_engine(int device) {
  const int n = device_count();
  if (n == 0) throw UserError("--backend cuda: no CUDA device");
  if (device < 0 || device >= n) {
    throw UserError("CUDA device " + std::to_string(device) + " does not exist (" +
                    std::to_string(n) + " present)");
  }
  return std::make_unique<CudaEngine>(device);
}

}  // namespace xbarmc::cuda
