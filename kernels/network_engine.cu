#include <algorithm>
#include <string>

#include "common/errors.hpp"
#include "cuda_check.cuh"
#include "engine/network.hpp"
#include "network_engine.cuh"
#include "network_kernels.cuh"

namespace xbarmc::cuda {
namespace {

// Share of the free device memory the batches may take (the rest stays for the runtime),
// and the most chips per batch worth launching together.
constexpr double kBatchMemoryShare = 0.6;
constexpr std::size_t kMaxBatchChips = 4096;

}  // namespace

void NetworkOnDevice::upload(const StudyInputs& in) {
  const Network net = make_network(in);
  DeviceNetwork d;
  d.n_layers = net.n_layers();
  d.n_arrays = static_cast<int>(net.arrays.size());
  d.n_images = in.n_images();
  d.n_times = in.n_times();
  d.timesteps = in.readout.timesteps;
  d.total_cells = static_cast<std::uint32_t>(net.total_cells);
  d.noise_channels = net.noise_channels;
  d.noisy = net.noisy;
  d.dense = in.readout.encoding == Encoding::kDirect;
  d.layout = in.layout;
  d.scheme = in.readout.scheme;
  d.adc_bits = in.readout.adc_bits;
  d.leak = static_cast<float>(in.neuron.leak);
  d.reset = in.neuron.reset;
  d.seed = in.seed;
  d.device = in.device;
  d.v_read_v = in.readout.v_read_v;
  d.g_min_s = in.mapping.g_min_s();
  d.g_max_s = in.mapping.g_max_s();
  std::vector<DeviceLayer> layers;
  std::vector<float> bias;
  int partial = 0;
  for (const NetworkLayer& nl : net.layers) {
    DeviceLayer l;
    l.n_in = nl.in.n_in;
    l.n_out = nl.in.n_out;
    l.rows = nl.in.rows();
    l.bias_row = nl.in.bias_row ? 1 : 0;
    l.first_array = nl.first_array;
    l.n_arrays = nl.n_arrays;
    l.row_blocks = nl.row_blocks;
    l.output_blocks = nl.output_blocks;
    l.outs_per_array = nl.array_cols / 2;
    l.s_offset = d.s_floats;
    d.s_floats += nl.row_blocks * nl.array_rows;
    l.state_offset = d.state_floats;
    d.state_floats += nl.in.n_out;
    if (!nl.bias_codes.empty()) {
      l.bias_offset = static_cast<int>(bias.size());
      bias.insert(bias.end(), nl.bias_codes.begin(), nl.bias_codes.end());
    }
    l.threshold = nl.threshold;
    l.rc = nl.rc;
    l.unit_a = nl.unit_a;
    partial = std::max(partial, nl.n_arrays * l.outs_per_array);
    layers.push_back(l);
  }
  d.partial_floats = partial;
  std::vector<double> g(net.total_cells);
  scratch_per_ = 0;
  ir_drop_ = in.device.ir_drop != IrDropModel::kNone &&
             !(in.device.r_wl_ohm == 0.0 && in.device.r_bl_ohm == 0.0);
  for (std::size_t k = 0; k < net.arrays.size(); ++k) {
    const ArrayPlacement& a = net.arrays[k];
    std::copy(net.array_g_target[k].begin(), net.array_g_target[k].end(),
              g.begin() + a.cell_offset);
    scratch_per_ = std::max(scratch_per_, network_scratch_doubles(d, a.rows, a.cols));
  }
  d.level_read_sigma = net.level_read_sigma;
  if (!net.level_device.empty()) {
    std::vector<std::int32_t> level(net.total_cells);
    for (std::size_t k = 0; k < net.arrays.size(); ++k) {
      std::copy(net.array_levels[k].begin(), net.array_levels[k].end(),
                level.begin() + net.arrays[k].cell_offset);
    }
    level_device_.upload(net.level_device);
    cell_level_.upload(level);
    d.level_device = level_device_.data();
    d.cell_level = cell_level_.data();
  }
  arrays_.upload(net.arrays);
  layers_.upload(layers);
  if (g != g_target_host_) {
    g_target_.upload(g);
    g_target_host_ = std::move(g);
  }
  times_.upload(in.times_s);
  bias_codes_.upload(bias);
  labels_.upload(in.labels);
  // The input spikes of the CPU engine (the same InputPlan), rebuilt when they change.
  if (!plan_built_ || plan_.fingerprint != input_fingerprint(in)) {
    build_input_plan(in, plan_);
    plan_built_ = true;
    image_ids_.upload(in.image_ids);
    if (d.dense) {
      activations_.upload(plan_.activations);
    } else {
      masks_.upload(plan_.masks);
    }
  }
  d.words0 = plan_.words;
  d.arrays = arrays_.data();
  d.layers = layers_.data();
  d.g_target_s = g_target_.data();
  d.bias_codes = bias_codes_.data();
  d.times_s = times_.data();
  d.masks = masks_.data();
  d.activations = activations_.data();
  d.image_ids = image_ids_.data();
  d.labels = labels_.data();
  view_ = d;
}

std::size_t NetworkOnDevice::bytes_per_chip() const {
  const DeviceNetwork& d = view_;
  const std::size_t cells = d.total_cells, arrays = static_cast<std::size_t>(d.n_arrays);
  const auto times = static_cast<std::size_t>(d.n_times);
  const auto layers = static_cast<std::size_t>(d.n_layers);
  return sizeof(double) * (cells * (ir_drop_ ? 2 : 1) + arrays * scratch_per_ + 2 * arrays) +
         sizeof(float) * (times * cells * (d.level_read_sigma ? 2 : 1) + times * arrays) +
         times * (2 * sizeof(std::uint32_t) + 2 * layers * sizeof(unsigned long long)) +
         3 * sizeof(unsigned long long);
}

void NetworkOnDevice::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                          double memory_share, std::size_t max_batch, int device,
                          ChipBatchResult& out) {
  upload(in);
  const DeviceNetwork& d = view_;
  out.reset(chip_begin, chip_end, d.n_times, d.n_layers);
  const std::size_t n_chips = chip_end - chip_begin;
  if (n_chips == 0 || d.n_times == 0 || d.n_images == 0) return;
  int max_shared = 0;
  XBARMC_CUDA_CALL(
      cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  if (network_inference_shared_bytes(d) + 64 > static_cast<std::size_t>(max_shared)) {
    throw UserError("CUDA engine: the network needs " +
                    std::to_string(network_inference_shared_bytes(d)) +
                    " bytes of shared memory per block, the device has " +
                    std::to_string(max_shared) + " (use smaller arrays or --backend cpu)");
  }
  // Chips per batch: as many as the memory share holds.
  std::size_t free_bytes = 0, total_bytes = 0;
  XBARMC_CUDA_CALL(cudaMemGetInfo(&free_bytes, &total_bytes));
  const std::size_t per_chip = bytes_per_chip();
  const auto budget =
      static_cast<std::size_t>(kBatchMemoryShare * memory_share * static_cast<double>(free_bytes));
  if (budget < per_chip) {
    throw UserError("CUDA engine: one chip of this network needs " + std::to_string(per_chip) +
                    " bytes of device memory, " + std::to_string(free_bytes) +
                    " are free (use --backend cpu)");
  }
  std::size_t capacity = std::min({n_chips, budget / per_chip, kMaxBatchChips});
  if (max_batch) capacity = std::min(capacity, max_batch);
  const std::size_t cells = d.total_cells, arrays = static_cast<std::size_t>(d.n_arrays);
  const auto times = static_cast<std::size_t>(d.n_times);
  const auto layers = static_cast<std::size_t>(d.n_layers);
  g_s_.reserve(capacity * cells);
  if (ir_drop_) a_eff_s_.reserve(capacity * cells);
  scratch_.reserve(capacity * arrays * scratch_per_);
  sum_t0_.reserve(capacity * arrays);
  sum_t_.reserve(capacity * arrays);
  a_.reserve(capacity * times * cells);
  if (d.level_read_sigma) b_.reserve(capacity * times * cells);
  verify_.reserve(3 * capacity);
  gain_.reserve(capacity * times * arrays);
  correct_.reserve(capacity * times);
  no_spike_.reserve(capacity * times);
  saturated_.reserve(capacity * times * layers);
  spikes_.reserve(capacity * times * layers);
  std::vector<std::uint32_t> correct, no_spike;
  std::vector<unsigned long long> saturated, spikes, verify;
  for (std::size_t first = 0; first < n_chips; first += capacity) {
    const int batch = static_cast<int>(std::min(capacity, n_chips - first));
    const auto nb = static_cast<std::size_t>(batch);
    NetworkBatch b;
    b.chip_begin = static_cast<std::uint32_t>(chip_begin + first);
    b.n_chips = batch;
    b.g_s = g_s_.data();
    b.a_eff_s = ir_drop_ ? a_eff_s_.data() : g_s_.data();
    b.scratch = scratch_.data();
    b.scratch_per = scratch_per_;
    b.sum_t0 = sum_t0_.data();
    b.sum_t = sum_t_.data();
    b.a = a_.data();
    b.b = d.level_read_sigma ? b_.data() : nullptr;
    b.verify = verify_.data();
    b.gain = gain_.data();
    b.correct = correct_.data();
    b.no_spike = no_spike_.data();
    b.saturated = saturated_.data();
    b.spikes = spikes_.data();
    correct_.zero(nb * times);
    no_spike_.zero(nb * times);
    saturated_.zero(nb * times * layers);
    spikes_.zero(nb * times * layers);
    verify_.zero(3 * nb);
    if (d.device.drift_compensation) launch_network_chip_at(d, b, d.device.t0_s, b.sum_t0, false);
    for (int k = 0; k < d.n_times; ++k) {
      launch_network_chip_at(d, b, in.times_s[static_cast<std::size_t>(k)], b.sum_t, k == 0);
      launch_network_read(d, b, k);
    }
    launch_network_inference(d, b);
    XBARMC_CUDA_CALL(cudaDeviceSynchronize());
    correct.resize(nb * times);
    no_spike.resize(nb * times);
    saturated.resize(nb * times * layers);
    spikes.resize(nb * times * layers);
    correct_.download(correct.data(), correct.size());
    no_spike_.download(no_spike.data(), no_spike.size());
    saturated_.download(saturated.data(), saturated.size());
    spikes_.download(spikes.data(), spikes.size());
    verify.resize(3 * nb);
    verify_.download(verify.data(), verify.size());
    for (std::size_t c = 0; c < nb; ++c) {
      out.verify_pulses[first + c] = verify[c];
      out.verify_failures[first + c] = verify[nb + c];
      out.verify_cells[first + c] = verify[2 * nb + c];
    }
    // Batch layout [(layer ×) time × batch chips] → result layout [(layer ×) time × n_chips].
    for (std::size_t l = 0; l < layers; ++l) {
      for (std::size_t k = 0; k < times; ++k) {
        for (std::size_t c = 0; c < nb; ++c) {
          const std::size_t from = (l * times + k) * nb + c;
          const std::size_t to = (l * times + k) * n_chips + first + c;
          out.layer_saturated[to] = saturated[from];
          out.layer_spikes[to] = spikes[from];
          out.saturated[k * n_chips + first + c] += saturated[from];
          if (l == 0) {
            out.correct[k * n_chips + first + c] = correct[k * nb + c];
            out.no_spike[k * n_chips + first + c] = no_spike[k * nb + c];
          }
        }
      }
    }
  }
}

}  // namespace xbarmc::cuda
