// CudaEngine: uploads a study once per run, computes the input spikes on the device,
// then walks the chip range in batches sized to the device's free memory: chip
// matrices (chip_kernels.cu), then inference over (chip, image) tiles
// (inference_kernel.cu). Device memory lives in thrust::device_vector (RAII).
#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/fill.h>
#include <thrust/host_vector.h>

#include <algorithm>
#include <string>
#include <vector>

#include "chip_kernels.cuh"
#include "common/errors.hpp"
#include "cuda_check.cuh"
#include "cuda_engine.hpp"
#include "device_info.cuh"
#include "engine/validate.hpp"
#include "inference_kernel.cuh"
#include "input_kernels.cuh"

namespace xbarmc::cuda {
namespace {

// More chips per batch do not fill the device any better; fewer keep the grid in range.
constexpr std::size_t kMaxBatchChips = 16384;
// Share of the free device memory one batch may take (the rest stays for the runtime).
constexpr double kBatchMemoryShare = 0.6;
constexpr int kMaxImageTiles = 65535;  // gridDim.y
constexpr int kImagesPerTile = 128;

template <class T>
T* raw(thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

// Device bytes one chip of a batch needs (DeviceBatch's arrays).
std::size_t bytes_per_chip(const DeviceInputs& in, int n_slots, bool ir_drop, std::size_t scratch) {
  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  const std::size_t slots = static_cast<std::size_t>(n_slots);
  const std::size_t times = static_cast<std::size_t>(in.n_times);
  return slots * cells * sizeof(double) * (ir_drop ? 2 : 1) + slots * scratch * sizeof(double) +
         slots * sizeof(double) + 2 * times * cells * sizeof(float) + times * sizeof(float) +
         times * (2 * sizeof(std::uint32_t) + sizeof(unsigned long long));
}

class CudaEngine final : public Engine {
 public:
  explicit CudaEngine(int device) : device_(device) {}
  std::string name() const override { return "cuda"; }
  std::string device_name() const override { return cuda::device_name(device_); }
  void run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
           ChipBatchResult& out) override;

 private:
  void check_limits(const StudyInputs& in, const DeviceInputs& di) const;
  int device_;
};

void CudaEngine::check_limits(const StudyInputs& in, const DeviceInputs& di) const {
  if (in.n_cols() > kMaxCols) {
    throw UserError("CUDA engine: " + std::to_string(in.n_cols()) + " physical columns; at most " +
                    std::to_string(kMaxCols) + " (use --backend cpu)");
  }
  if (in.n_images() > kMaxImageTiles * kImagesPerTile) {
    throw UserError("CUDA engine: " + std::to_string(in.n_images()) + " images; at most " +
                    std::to_string(kMaxImageTiles * kImagesPerTile) + " per run");
  }
  int max_shared = 0;
  XBARMC_CUDA_CALL(cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device_));
  const std::size_t need = inference_shared_bytes(di);
  if (need > static_cast<std::size_t>(max_shared)) {
    throw UserError("CUDA engine: a " + std::to_string(in.n_in) + "x" + std::to_string(in.n_cols()) +
                    " array needs " + std::to_string(need) + " bytes of shared memory, the device has " +
                    std::to_string(max_shared) + " (use --backend cpu)");
  }
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

  DeviceInputs di;
  di.n_in = in.n_in;
  di.n_out = in.n_out;
  di.n_cols = in.n_cols();
  di.n_images = in.n_images();
  di.n_times = n_times;
  di.timesteps = in.readout.timesteps;
  di.words = (in.n_in + 63) / 64;
  di.layout = in.layout;
  di.device = in.device;
  di.readout = in.readout;
  di.rc = make_read_constants(in.device, in.readout);
  di.leak = static_cast<float>(in.neuron.leak);
  di.threshold = static_cast<float>(in.neuron.threshold);
  di.reset = in.neuron.reset;
  di.seed = in.seed;
  di.g_min_s = in.mapping.g_min_s();
  di.g_max_s = in.mapping.g_max_s();
  check_limits(in, di);
  if (n_chips == 0 || n_times == 0) return;

  // Study-wide inputs, once per run.
  thrust::device_vector<double> g_target(in.g_target_s.begin(), in.g_target_s.end());
  thrust::device_vector<double> times(in.times_s.begin(), in.times_s.end());
  thrust::device_vector<float> features(in.features.begin(), in.features.end());
  thrust::device_vector<std::uint32_t> image_ids(in.image_ids.begin(), in.image_ids.end());
  thrust::device_vector<std::uint8_t> labels(in.labels.begin(), in.labels.end());
  const bool direct = in.readout.encoding == Encoding::kDirect;
  thrust::device_vector<std::uint64_t> masks(
      direct ? 0 : static_cast<std::size_t>(di.n_images) * di.timesteps * di.words);
  thrust::device_vector<float> activations(direct ? in.features.size() : 0);
  di.g_target_s = raw(g_target);
  di.times_s = raw(times);
  di.features = raw(features);
  di.image_ids = raw(image_ids);
  di.labels = raw(labels);
  di.masks = raw(masks);
  di.activations = raw(activations);
  if (di.n_images > 0) launch_input_plan(di);

  // Batch size from the free memory: memory grows with the batch, never with n_chips.
  const int n_slots = n_times + (in.device.drift_compensation ? 1 : 0);
  const std::size_t scratch = chip_scratch_doubles(di);
  const bool ir_drop = has_ir_drop(in.device);
  const std::size_t per_chip = bytes_per_chip(di, n_slots, ir_drop, scratch);
  std::size_t free_bytes = 0, total_bytes = 0;
  XBARMC_CUDA_CALL(cudaMemGetInfo(&free_bytes, &total_bytes));
  const auto budget = static_cast<std::size_t>(kBatchMemoryShare * static_cast<double>(free_bytes));
  if (budget < per_chip) {
    throw InternalError("CUDA engine: one chip needs " + std::to_string(per_chip) +
                        " bytes of device memory, only " + std::to_string(free_bytes) + " free");
  }
  const std::size_t grid_cap = static_cast<std::size_t>(1u << 30) / static_cast<std::size_t>(n_slots);
  const std::size_t batch_cap = std::min({n_chips, budget / per_chip, kMaxBatchChips, grid_cap});

  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols();
  thrust::device_vector<double> g_s(batch_cap * n_slots * cells);
  thrust::device_vector<double> a_eff(ir_drop ? g_s.size() : 0);
  thrust::device_vector<double> solver_scratch(batch_cap * n_slots * scratch);
  thrust::device_vector<double> sums(batch_cap * n_slots);
  thrust::device_vector<float> a(batch_cap * n_times * cells), a2(a.size());
  thrust::device_vector<float> gain(batch_cap * n_times);
  thrust::device_vector<std::uint32_t> correct(batch_cap * n_times), no_spike(correct.size());
  thrust::device_vector<unsigned long long> saturated(correct.size());
  thrust::host_vector<std::uint32_t> h_correct, h_no_spike;
  thrust::host_vector<unsigned long long> h_saturated;

  for (std::size_t first = 0; first < n_chips; first += batch_cap) {
    DeviceBatch b;
    b.chip_begin = static_cast<std::uint32_t>(chip_begin + first);
    b.n_chips = static_cast<int>(std::min(batch_cap, n_chips - first));
    b.n_slots = n_slots;
    b.g_s = raw(g_s);
    b.a_eff_s = ir_drop ? raw(a_eff) : nullptr;
    b.scratch = raw(solver_scratch);
    b.scratch_per = scratch;
    b.sums = raw(sums);
    b.a = raw(a);
    b.a2 = raw(a2);
    b.gain = raw(gain);
    b.correct = raw(correct);
    b.no_spike = raw(no_spike);
    b.saturated = raw(saturated);
    const std::size_t n_counts = static_cast<std::size_t>(n_times) * b.n_chips;
    thrust::fill_n(correct.begin(), n_counts, 0u);
    thrust::fill_n(no_spike.begin(), n_counts, 0u);
    thrust::fill_n(saturated.begin(), n_counts, 0ull);
    launch_chip_matrices(di, b);
    launch_inference(di, b);
    XBARMC_CUDA_CALL(cudaDeviceSynchronize());
    h_correct.assign(correct.begin(), correct.begin() + static_cast<std::ptrdiff_t>(n_counts));
    h_no_spike.assign(no_spike.begin(), no_spike.begin() + static_cast<std::ptrdiff_t>(n_counts));
    h_saturated.assign(saturated.begin(), saturated.begin() + static_cast<std::ptrdiff_t>(n_counts));
    // Batch layout [time × batch chips] → result layout [time × n_chips].
    for (int k = 0; k < n_times; ++k) {
      for (int c = 0; c < b.n_chips; ++c) {
        const std::size_t from = static_cast<std::size_t>(k) * b.n_chips + c;
        const std::size_t to = static_cast<std::size_t>(k) * n_chips + first + c;
        out.correct[to] = h_correct[from];
        out.no_spike[to] = h_no_spike[from];
        out.saturated[to] = h_saturated[from];
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
