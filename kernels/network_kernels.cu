#include <algorithm>

#include "cuda_check.cuh"
#include "network_kernels.cuh"
#include "philox_curand.cuh"
#include "xbarmc/chip.hpp"
#include "xbarmc/drift.hpp"
#include "xbarmc/encoding.hpp"
#include "xbarmc/irdrop.hpp"
#include "xbarmc/neuron.hpp"

namespace xbarmc::cuda {
namespace {

constexpr int kThreads = 256;

unsigned blocks_for(long long n) {
  return static_cast<unsigned>((n + kThreads - 1) / kThreads);
}

// The array that holds cell key `cell` (arrays are in key order).
__device__ int array_of_cell(const DeviceNetwork& net, std::uint32_t cell) {
  int lo = 0, hi = net.n_arrays - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (net.arrays[mid].cell_offset <= cell) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// One thread per (chip, cell): chip.hpp's programming with the cell's own key, its array's
// factor (D2D then A2A) and its level's statistics, then drift.hpp's conductance at t_s.
// With count_verify, write-verify's outcome of every non-stuck cell is added up.
__global__ void program_kernel(DeviceNetwork net, NetworkBatch b, double t_s, bool count_verify) {
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(b.n_chips) * net.total_cells) return;
  const int c = static_cast<int>(tid / net.total_cells);
  const auto cell = static_cast<std::uint32_t>(tid % net.total_cells);
  const std::uint32_t chip = b.chip_begin + static_cast<std::uint32_t>(c);
  const int k = array_of_cell(net, cell);
  const double factor =
      array_factor(d2d_factor(net.device, net.seed, chip),
                   a2a_factor(net.device, net.seed, chip, static_cast<std::uint32_t>(k)));
  const LevelDevice st =
      net.level_device ? net.level_device[net.cell_level[cell]] : scalar_level_device(net.device);
  // The draws any level may need (a C2C normal when this level's σ is not 0, and so on).
  DeviceParams drawn = net.device;
  drawn.c2c_sigma = st.c2c_sigma;
  drawn.nu_std = st.nu_std;
  VerifyOutcome v;
  const ProgrammedCell pc =
      program_level_cell(net.device, st, net.g_target_s[cell], factor, net.g_min_s, net.g_max_s,
                         cell_draws(drawn, net.seed, chip, cell), net.seed, chip, cell, &v);
  b.g_s[static_cast<std::size_t>(tid)] = drifted_conductance(net.device, pc, t_s);
  if (count_verify && net.device.verify && !pc.stuck) {
    atomicAdd(&b.verify[c], static_cast<unsigned long long>(v.pulses));
    if (v.failed) atomicAdd(&b.verify[b.n_chips + c], 1ull);
    atomicAdd(&b.verify[2 * b.n_chips + c], 1ull);
  }
}

// One thread per (chip, array): irdrop.hpp's A_eff over the whole physical array (the
// host's serial solver), then Σ A_eff in index order (network_chip.cpp's sum).
__global__ void a_eff_kernel(DeviceNetwork net, NetworkBatch b, bool ir_drop, double* sums) {
  const int tid = blockIdx.x * blockDim.x + threadIdx.x;
  if (tid >= b.n_chips * net.n_arrays) return;
  const int c = tid / net.n_arrays, k = tid % net.n_arrays;
  const ArrayPlacement& a = net.arrays[k];
  const std::size_t first = static_cast<std::size_t>(c) * net.total_cells + a.cell_offset;
  if (ir_drop) {
    compute_a_eff(net.device.ir_drop, b.g_s + first, a.rows, a.cols, net.device.r_wl_ohm,
                  net.device.r_bl_ohm, b.scratch + static_cast<std::size_t>(tid) * b.scratch_per,
                  b.a_eff_s + first);
  }
  double s = 0.0;
  const int n = a.rows * a.cols;
  for (int e = 0; e < n; ++e) s += b.a_eff_s[first + e];
  sums[tid] = s;
}

// One thread per (chip, cell): the read matrix entry in its layer's unit; the first cell
// of an array also writes the array's gain.
__global__ void read_kernel(DeviceNetwork net, NetworkBatch b, int k_time) {
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(b.n_chips) * net.total_cells) return;
  const int c = static_cast<int>(tid / net.total_cells);
  const auto cell = static_cast<std::uint32_t>(tid % net.total_cells);
  const int k = array_of_cell(net, cell);
  const ArrayPlacement& a = net.arrays[k];
  const std::size_t ct = static_cast<std::size_t>(c) * net.n_times + k_time;
  b.a[ct * net.total_cells + cell] =
      read_matrix_entry(net.v_read_v, b.a_eff_s[tid], net.layers[a.layer].unit_a);
  if (net.level_read_sigma) {
    b.b[ct * net.total_cells + cell] =
        noise_matrix_entry(net.v_read_v, net.level_device[net.cell_level[cell]].read_sigma,
                           b.a_eff_s[tid], net.layers[a.layer].unit_a);
  }
  if (cell == a.cell_offset) {
    const std::size_t ca = static_cast<std::size_t>(c) * net.n_arrays + k;
    b.gain[ct * net.n_arrays + k] =
        net.device.drift_compensation
            ? static_cast<float>(compensation_gain(b.sum_t0[ca], b.sum_t[ca]))
            : 1.0f;
  }
}

// The block's shared memory of one image: layer inputs of the step, potentials and spike
// counts of every neuron, each array's code of each output, and the counters.
struct Shared {
  float* s;
  float* v;
  std::uint32_t* counts;
  float* partial;
  unsigned long long* saturated;  // [n_layers]
  unsigned long long* spikes;     // [n_layers]
};

__device__ Shared carve(const DeviceNetwork& net, float* base) {
  Shared sh;
  sh.s = base;
  sh.v = sh.s + net.s_floats;
  sh.counts = reinterpret_cast<std::uint32_t*>(sh.v + net.state_floats);
  sh.partial = reinterpret_cast<float*>(sh.counts + net.state_floats);
  auto* tail = reinterpret_cast<unsigned long long*>(
      (reinterpret_cast<std::uintptr_t>(sh.partial + net.partial_floats) + 7) & ~std::uintptr_t(7));
  sh.saturated = tail;
  sh.spikes = tail + net.n_layers;
  return sh;
}

// Layer 0's inputs of step t (the encoded features; the bias row at V_read).
__device__ void load_inputs(const DeviceNetwork& net, const DeviceLayer& l0, int image, int t,
                            float* s) {
  const int padded = l0.row_blocks * net.arrays[l0.first_array].rows;
  for (int i = threadIdx.x; i < padded; i += blockDim.x) {
    float x = 0.0f;
    if (i < l0.n_in) {
      if (net.dense) {
        x = net.activations[static_cast<std::size_t>(image) * l0.n_in + i];
      } else {
        const std::uint64_t w =
            net.masks[(static_cast<std::size_t>(image) * net.timesteps + t) * net.words0 + i / 64];
        x = ((w >> (i % 64)) & 1u) ? 1.0f : 0.0f;
      }
    } else if (i == l0.n_in && l0.bias_row) {
      x = 1.0f;
    }
    s[l0.s_offset + i] = x;
  }
}

// Phase 1 of a layer: every (array, output) of it — column sums over the array's used
// rows in ascending order (s·a and (s·a)², or (s·b)² with level read σs; rows at 0 V
// skipped: they add +0), read noise, ADC — into partial[(array of layer)·outs_per_array
// + j′]. Returns clamped reads.
__device__ unsigned read_layer(const DeviceNetwork& net, const DeviceLayer& L, const float* a_ct,
                               const float* b_ct, const Stream& noise, int k, int t, const float* s,
                               float* partial) {
  unsigned saturated = 0;
  const int tasks = L.n_arrays * L.outs_per_array;
  for (int task = threadIdx.x; task < tasks; task += blockDim.x) {
    const int q = task / L.outs_per_array, jl = task % L.outs_per_array;
    const ArrayPlacement& A = net.arrays[L.first_array + q];
    if (jl >= A.outs_used) continue;
    const int cp = array_column_pos(net.layout, A, jl), cn = array_column_neg(net.layout, A, jl);
    const float* sl = s + L.s_offset + A.row_begin;
    const float* m = a_ct + A.cell_offset;
    float ip = 0.0f, in = 0.0f, sp = 0.0f, sn = 0.0f;
    if (b_ct) {
      const float* mb = b_ct + A.cell_offset;
      for (int i = 0; i < A.rows_used; ++i) {
        const float si = sl[i];
        if (si == 0.0f) continue;
        const float xp = si * m[i * A.cols + cp], xn = si * m[i * A.cols + cn];
        const float bp = si * mb[i * A.cols + cp], bn = si * mb[i * A.cols + cn];
        ip += xp;
        sp += bp * bp;
        in += xn;
        sn += bn * bn;
      }
    } else {
      for (int i = 0; i < A.rows_used; ++i) {
        const float si = sl[i];
        if (si == 0.0f) continue;
        const float xp = si * m[i * A.cols + cp], xn = si * m[i * A.cols + cn];
        ip += xp;
        sp += xp * xp;
        in += xn;
        sn += xn * xn;
      }
    }
    bool clamp_p = false, clamp_n = false;
    float code;
    if (net.scheme == Scheme::kB) {
      float yp = ip, yn = in;
      if (net.noisy) {
        yp += read_sigma(L.rc, sp) *
              curand_stream_normal_float(
                  noise,
                  read_noise_index(k, net.timesteps, t, net.noise_channels, A.column_offset + cp));
        yn += read_sigma(L.rc, sn) *
              curand_stream_normal_float(
                  noise,
                  read_noise_index(k, net.timesteps, t, net.noise_channels, A.column_offset + cn));
      }
      code = adc_code(yp, Scheme::kB, net.adc_bits, &clamp_p) -
             adc_code(yn, Scheme::kB, net.adc_bits, &clamp_n);
    } else {
      float y = ip - in;
      if (net.noisy) {
        y += read_sigma(L.rc, sp + sn) *
             curand_stream_normal_float(
                 noise,
                 read_noise_index(k, net.timesteps, t, net.noise_channels, A.output_offset + jl));
      }
      code = adc_code(y, Scheme::kA, net.adc_bits, &clamp_p);
    }
    saturated += (clamp_p ? 1u : 0u) + (clamp_n ? 1u : 0u);
    partial[task] = code;
  }
  return saturated;
}

// Phase 2 of a layer: output j's digital diff, Σ over its row blocks in order of
// gain·code from 0.0f, then + β_j; the IF step; the spike into the next layer's inputs.
__device__ unsigned neurons(const DeviceNetwork& net, const DeviceLayer& L, const DeviceLayer* next,
                            const float* gain_ct, const Shared& sh) {
  unsigned spikes = 0;
  for (int j = threadIdx.x; j < L.n_out; j += blockDim.x) {
    const int cb = j / L.outs_per_array, jl = j % L.outs_per_array;
    float d = 0.0f;
    for (int r = 0; r < L.row_blocks; ++r) {
      const int q = r * L.output_blocks + cb;
      d += gain_ct[L.first_array + q] * sh.partial[q * L.outs_per_array + jl];
    }
    if (L.bias_offset >= 0) d += net.bias_codes[L.bias_offset + j];
    const bool spike = if_step(&sh.v[L.state_offset + j], d, net.leak, L.threshold, net.reset);
    sh.counts[L.state_offset + j] += spike ? 1u : 0u;
    spikes += spike ? 1u : 0u;
    if (next) sh.s[next->s_offset + j] = spike ? 1.0f : 0.0f;
  }
  return spikes;
}

// One block per (chip, time) and a stride of images: each image's T steps, layer after
// layer within a step.
__global__ void inference_kernel(DeviceNetwork net, NetworkBatch b) {
  extern __shared__ float4 smem_aligned[];
  const Shared sh = carve(net, reinterpret_cast<float*>(smem_aligned));
  __shared__ unsigned s_correct, s_no_spike;
  const int ct = blockIdx.x;
  const int c = ct / net.n_times, k = ct % net.n_times;
  const std::uint32_t chip = b.chip_begin + static_cast<std::uint32_t>(c);
  const float* a_ct = b.a + static_cast<std::size_t>(ct) * net.total_cells;
  const float* b_ct =
      net.level_read_sigma ? b.b + static_cast<std::size_t>(ct) * net.total_cells : nullptr;
  const float* gain_ct = b.gain + static_cast<std::size_t>(ct) * net.n_arrays;
  if (threadIdx.x == 0) {
    s_correct = 0;
    s_no_spike = 0;
  }
  for (int l = threadIdx.x; l < net.n_layers; l += blockDim.x) {
    sh.saturated[l] = 0;
    sh.spikes[l] = 0;
  }
  for (int image = blockIdx.y; image < net.n_images; image += gridDim.y) {
    for (int e = threadIdx.x; e < net.s_floats; e += blockDim.x) sh.s[e] = 0.0f;
    for (int e = threadIdx.x; e < net.state_floats; e += blockDim.x) {
      sh.v[e] = 0.0f;
      sh.counts[e] = 0;
    }
    __syncthreads();
    // Bias rows of the hidden layers: V_read at every step.
    for (int l = 1 + static_cast<int>(threadIdx.x); l < net.n_layers; l += blockDim.x) {
      if (net.layers[l].bias_row) sh.s[net.layers[l].s_offset + net.layers[l].n_in] = 1.0f;
    }
    const Stream noise = read_noise_stream(net.seed, chip, net.image_ids[image]);
    for (int t = 0; t < net.timesteps; ++t) {
      load_inputs(net, net.layers[0], image, t, sh.s);
      __syncthreads();
      for (int l = 0; l < net.n_layers; ++l) {
        const DeviceLayer& L = net.layers[l];
        const unsigned sat = read_layer(net, L, a_ct, b_ct, noise, k, t, sh.s, sh.partial);
        if (sat) atomicAdd(&sh.saturated[l], static_cast<unsigned long long>(sat));
        __syncthreads();
        const unsigned spk =
            neurons(net, L, l + 1 < net.n_layers ? &net.layers[l + 1] : nullptr, gain_ct, sh);
        if (spk) atomicAdd(&sh.spikes[l], static_cast<unsigned long long>(spk));
        __syncthreads();
      }
    }
    if (threadIdx.x == 0) {
      const DeviceLayer& out = net.layers[net.n_layers - 1];
      const std::uint32_t* counts = sh.counts + out.state_offset;
      if (predict_class(counts, sh.v + out.state_offset, out.n_out) == net.labels[image])
        ++s_correct;
      if (no_output_spike(counts, out.n_out)) ++s_no_spike;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    const std::size_t slot = static_cast<std::size_t>(k) * b.n_chips + c;
    if (s_correct) atomicAdd(&b.correct[slot], s_correct);
    if (s_no_spike) atomicAdd(&b.no_spike[slot], s_no_spike);
  }
  for (int l = threadIdx.x; l < net.n_layers; l += blockDim.x) {
    const std::size_t slot = (static_cast<std::size_t>(l) * net.n_times + k) * b.n_chips + c;
    if (sh.saturated[l]) atomicAdd(&b.saturated[slot], sh.saturated[l]);
    if (sh.spikes[l]) atomicAdd(&b.spikes[slot], sh.spikes[l]);
  }
}

}  // namespace

std::size_t network_scratch_doubles(const DeviceNetwork& net, int rows, int cols) {
  return a_eff_scratch_doubles(net.device.ir_drop, rows, cols);
}

std::size_t network_inference_shared_bytes(const DeviceNetwork& net) {
  const std::size_t floats =
      static_cast<std::size_t>(net.s_floats) + 2 * net.state_floats + net.partial_floats;
  return floats * sizeof(float) + 8 + 2 * sizeof(unsigned long long) * net.n_layers;
}

void launch_network_chip_at(const DeviceNetwork& net, const NetworkBatch& b, double t_s,
                            double* sums, bool count_verify) {
  const long long cells = static_cast<long long>(b.n_chips) * net.total_cells;
  program_kernel<<<blocks_for(cells), kThreads>>>(net, b, t_s, count_verify);
  XBARMC_CUDA_CHECK_LAUNCH(program_kernel);
  // One serial solver per (chip, array): small blocks spread them over all SMs.
  constexpr int kSolverThreads = 32;
  const long long solves = static_cast<long long>(b.n_chips) * net.n_arrays;
  const bool ir = b.a_eff_s != b.g_s;
  a_eff_kernel<<<static_cast<unsigned>((solves + kSolverThreads - 1) / kSolverThreads),
                 kSolverThreads>>>(net, b, ir, sums);
  XBARMC_CUDA_CHECK_LAUNCH(a_eff_kernel);
}

void launch_network_read(const DeviceNetwork& net, const NetworkBatch& b, int k) {
  const long long cells = static_cast<long long>(b.n_chips) * net.total_cells;
  read_kernel<<<blocks_for(cells), kThreads>>>(net, b, k);
  XBARMC_CUDA_CHECK_LAUNCH(read_kernel);
}

void launch_network_inference(const DeviceNetwork& net, const NetworkBatch& b) {
  if (net.n_images == 0 || b.n_chips == 0) return;
  const std::size_t bytes = network_inference_shared_bytes(net);
  XBARMC_CUDA_CALL(cudaFuncSetAttribute(
      inference_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
  const dim3 grid(static_cast<unsigned>(b.n_chips * net.n_times),
                  static_cast<unsigned>(std::min(net.n_images, 65535)));
  inference_kernel<<<grid, kThreads, bytes>>>(net, b);
  XBARMC_CUDA_CHECK_LAUNCH(inference_kernel);
}

}  // namespace xbarmc::cuda
