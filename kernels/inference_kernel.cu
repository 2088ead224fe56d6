// Work split: a block takes one (chip, time) and tiles of image groups; the chip's read
// matrix sits in shared memory in the pair layout of ReadLayout. A warp runs one group
// of images_per_warp images at a time (64×20: three images of ten lanes, lane = output
// pair), so one row iteration serves three images and every lane keeps its two column
// sums in registers through ADC and neuron. Rows come from the chip-independent
// active-row lists (input_kernels.cu), padded per group so the warp's loop is uniform.
// Read noise: the normals of a window of steps for all images of the group at once
// (array_read.cuh), so the Philox rounds run full.
#include "array_read.cuh"
#include "common/errors.hpp"
#include "cuda_check.cuh"
#include "inference_kernel.cuh"

namespace xbarmc::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kGroupsPerWarp = 4;        // groups of one tile per warp
constexpr int kNoiseWindowFloats = 1024;  // normals per warp and window (before padding)

// Shapes derived on the host, passed to the kernel beside the study.
struct Shape {
  int window_steps = 1;   // steps whose normals one window holds
  int slot_floats = 0;    // noise floats per image of a group (lead-in and last block included)
  int warp_floats = 0;    // per-warp scratch: noise of the group, then potentials and counts
  int matrix_floats = 0;  // (n_in + 1) rows of read.row_floats
};

int noise_channels(const DeviceInputs& in) {
  return in.readout.scheme == Scheme::kB ? in.n_cols : in.n_out;
}

Shape make_shape(const DeviceInputs& in) {
  Shape s;
  const int k = in.read.images_per_warp;
  if (in.rc.noisy) {
    const int n_ch = noise_channels(in);
    s.window_steps = std::max(1, std::min(in.timesteps, kNoiseWindowFloats / (k * n_ch)));
    s.slot_floats = 4 * ((3 + s.window_steps * n_ch + 3) / 4);
  }
  s.warp_floats = k * s.slot_floats + 2 * k * in.n_out;
  s.matrix_floats = (in.n_in + 1) * in.read.row_floats();
  return s;
}

std::size_t shared_bytes(const Shape& s) {
  return sizeof(float) * (static_cast<std::size_t>(s.matrix_floats) +
                          static_cast<std::size_t>(kWarps) * s.warp_floats);
}

// Which image of its group and which pairs of the row a lane takes. Lanes beyond the
// last image of a warp (64×20: lanes 30, 31) repeat another lane's work, so that no
// branch splits the warp; their results are not counted.
struct LaneRole {
  int slot = 0;               // image within the group
  int pair = 0;               // first pair; the others are 32 apart
  bool counted = true;        // false for the repeating lanes
  std::uint32_t lane_addr = 0;  // byte offset of the first pair within a row
};

__device__ __forceinline__ LaneRole lane_role(const ReadLayout& r) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  LaneRole role;
  role.slot = lane / r.lanes_per_image;
  role.pair = lane - role.slot * r.lanes_per_image;
  if (role.slot >= r.images_per_warp) {
    role.slot = r.images_per_warp - 1;
    role.pair = lane % r.lanes_per_image;
    role.counted = false;
  }
  role.lane_addr = static_cast<std::uint32_t>(role.pair * r.pair_floats()) * sizeof(float);
  return role;
}

struct Counts {
  unsigned correct = 0, no_spike = 0, saturated = 0;
  unsigned long long spikes = 0;  // output-neuron spikes (the layer's spike count)
};

// One group of images through the chip at time `time_index`: T steps of read, noise,
// ADC and neurons, then the prediction of each image (neuron.hpp's rule).
template <Scheme kScheme, bool kNoisy, bool kDense, int kQ>
__device__ __forceinline__ void infer_group(const DeviceInputs& in, const Shape& sh, int group,
                                            int time_index, std::uint32_t chip, float gain,
                                            const char* matrix, const LaneRole& role, float* ws,
                                            Counts& counts) {
  constexpr bool kSquares = kNoisy && !kDense;
  const int k_images = in.read.images_per_warp;
  const int first_image = group * k_images;
  const int n_valid = min(k_images, in.n_images - first_image);
  const int steps = in.timesteps, n_out = in.n_out;
  const int n_ch = kScheme == Scheme::kB ? in.n_cols : n_out;
  const bool lane_counts = role.counted && role.slot < n_valid;

  float v[kQ];
  std::uint32_t spikes[kQ];
  int ch_pos[kQ], ch_neg[kQ];
  bool is_output[kQ];
#pragma unroll
  for (int q = 0; q < kQ; ++q) {
    v[q] = 0.0f;
    spikes[q] = 0;
    const int j = role.pair + 32 * q;
    is_output[q] = kQ == 1 || j < n_out;  // one pair per lane: lanes_per_image = n_out
    ch_pos[q] = kScheme == Scheme::kB ? column_pos(in.layout, j, n_out) : j;
    ch_neg[q] = kScheme == Scheme::kB ? column_neg(in.layout, j, n_out) : j;
  }
  PairRead dense[kQ];
  if (kDense) {
    const int image = first_image + min(role.slot, n_valid - 1);
    read_dense<kNoisy, kQ>(in.activations + static_cast<std::size_t>(image) * in.n_in, in.n_in,
                           in.read.row_floats() * static_cast<int>(sizeof(float)), matrix,
                           role.lane_addr, dense);
  }
  const float* z_slot = ws + role.slot * sh.slot_floats;
  int window_t0 = 0, window_end = 0;
  std::uint32_t lead = 0;
  for (int t = 0; t < steps; ++t) {
    if (kNoisy && t == window_end) {
      window_t0 = t;
      window_end = min(steps, t + sh.window_steps);
      const std::uint32_t first = read_noise_index(time_index, steps, t, n_ch, 0);
      lead = first % 4;
      draw_noise_window(ws, sh.slot_floats, in.seed, chip, in.image_ids + first_image, n_valid,
                        first, static_cast<std::uint32_t>((window_end - t) * n_ch));
    }
    PairRead r[kQ];
    if (kDense) {
#pragma unroll
      for (int q = 0; q < kQ; ++q) r[q] = dense[q];
    } else {
      const std::size_t at = static_cast<std::size_t>(group) * steps + t;
      const int iters = static_cast<int>(__ldg(in.list_iters + at));
      const std::uint32_t* list = in.row_lists + __ldg(in.list_start + at) +
                                  static_cast<std::size_t>(role.slot) * iters;
      read_active_rows<kSquares, kQ>(reinterpret_cast<const uint4*>(list), iters, matrix,
                                     role.lane_addr, r);
    }
    const float* zt = z_slot + lead + (t - window_t0) * n_ch;
#pragma unroll
    for (int q = 0; q < kQ; ++q) {
      float z_pos = 0.0f, z_neg = 0.0f;
      if (kNoisy && is_output[q]) {
        z_pos = zt[ch_pos[q]];
        if (kScheme == Scheme::kB) z_neg = zt[ch_neg[q]];
      }
      bool spiked;
      const std::uint32_t clamped = adc_neuron_step<kScheme, kNoisy>(
          r[q], z_pos, z_neg, in.rc, in.readout.adc_bits, gain, in.leak, in.threshold, in.reset,
          &v[q], &spiked);
      spikes[q] += spiked ? 1u : 0u;
      if (lane_counts && is_output[q]) counts.saturated += clamped;
    }
  }

  if (lane_counts) {
#pragma unroll
    for (int q = 0; q < kQ; ++q) counts.spikes += is_output[q] ? spikes[q] : 0u;
  }

  // Prediction, by the first lane of each image over the image's outputs.
  float* w_v = ws + k_images * sh.slot_floats;
  auto* w_spikes = reinterpret_cast<std::uint32_t*>(w_v + k_images * n_out);
  __syncwarp();  // the last noise window is consumed
#pragma unroll
  for (int q = 0; q < kQ; ++q) {
    if (role.counted && is_output[q]) {
      w_v[role.slot * n_out + role.pair + 32 * q] = v[q];
      w_spikes[role.slot * n_out + role.pair + 32 * q] = spikes[q];
    }
  }
  __syncwarp();
  if (lane_counts && role.pair == 0) {
    const std::uint32_t* s = w_spikes + role.slot * n_out;
    const int predicted = predict_class(s, w_v + role.slot * n_out, n_out);
    counts.correct += predicted == in.labels[first_image + role.slot] ? 1u : 0u;
    counts.no_spike += no_output_spike(s, n_out) ? 1u : 0u;
  }
  __syncwarp();
}

template <Scheme kScheme, bool kNoisy, bool kDense, int kQ>
__global__ void __launch_bounds__(32 * kWarps, 4)
    inference_kernel(DeviceInputs in, DeviceBatch b, Shape sh) {
  extern __shared__ float4 smem_aligned[];
  auto* smem = reinterpret_cast<float*>(smem_aligned);
  __shared__ unsigned s_correct, s_no_spike;
  __shared__ unsigned long long s_saturated, s_spikes;

  const int ct = static_cast<int>(blockIdx.x);  // chip_local·n_times + time
  const int c = ct / in.n_times, time_index = ct - c * in.n_times;
  const std::uint32_t chip = b.chip_begin + static_cast<std::uint32_t>(c);
  const int row_floats = in.read.row_floats();
  load_read_matrix(smem, b.a + static_cast<std::size_t>(ct) * in.n_in * row_floats, in.n_in,
                   row_floats);
  if (threadIdx.x == 0) {
    s_correct = 0;
    s_no_spike = 0;
    s_saturated = 0;
    s_spikes = 0;
  }
  __syncthreads();

  const LaneRole role = lane_role(in.read);
  const int warp = static_cast<int>(threadIdx.x / 32);
  float* ws = smem + sh.matrix_floats + warp * sh.warp_floats;
  const auto* matrix = reinterpret_cast<const char*>(smem);
  const float gain = b.gain[ct];
  Counts counts;
  constexpr int kGroupsPerTile = kWarps * kGroupsPerWarp;
  const int n_tiles = (in.n_groups + kGroupsPerTile - 1) / kGroupsPerTile;
  for (int tile = static_cast<int>(blockIdx.y); tile < n_tiles;
       tile += static_cast<int>(gridDim.y)) {
    const int group_end = min(in.n_groups, (tile + 1) * kGroupsPerTile);
    for (int group = tile * kGroupsPerTile + warp; group < group_end; group += kWarps) {
      infer_group<kScheme, kNoisy, kDense, kQ>(in, sh, group, time_index, chip, gain, matrix,
                                                role, ws, counts);
    }
  }

  // Integer counts: the order of the atomic adds cannot change them.
  if ((counts.correct | counts.no_spike) != 0) {
    atomicAdd(&s_correct, counts.correct);
    atomicAdd(&s_no_spike, counts.no_spike);
  }
  if (counts.saturated != 0)
    atomicAdd(&s_saturated, static_cast<unsigned long long>(counts.saturated));
  if (counts.spikes != 0) atomicAdd(&s_spikes, counts.spikes);
  __syncthreads();
  if (threadIdx.x == 0) {
    const std::size_t at = static_cast<std::size_t>(time_index) * b.n_chips + c;
    if (s_correct) atomicAdd(&b.correct[at], s_correct);
    if (s_no_spike) atomicAdd(&b.no_spike[at], s_no_spike);
    if (s_saturated) atomicAdd(&b.saturated[at], s_saturated);
    if (s_spikes) atomicAdd(&b.spikes[at], s_spikes);
  }
}

using KernelFn = void (*)(DeviceInputs, DeviceBatch, Shape);

template <Scheme kScheme, bool kNoisy, bool kDense>
KernelFn select_width(const DeviceInputs& in) {
  return in.read.pairs_per_lane == 1 ? &inference_kernel<kScheme, kNoisy, kDense, 1>
                                     : &inference_kernel<kScheme, kNoisy, kDense, 2>;
}

template <Scheme kScheme>
KernelFn select_scheme(const DeviceInputs& in) {
  const bool dense = in.readout.encoding == Encoding::kDirect;
  if (in.rc.noisy)
    return dense ? select_width<kScheme, true, true>(in) : select_width<kScheme, true, false>(in);
  return dense ? select_width<kScheme, false, true>(in) : select_width<kScheme, false, false>(in);
}

KernelFn select_kernel(const DeviceInputs& in) {
  return in.readout.scheme == Scheme::kB ? select_scheme<Scheme::kB>(in)
                                         : select_scheme<Scheme::kA>(in);
}

}  // namespace

ReadLayout read_layout(int n_out, bool noisy, bool dense) {
  ReadLayout r;
  r.squares = noisy && !dense;
  if (n_out <= 32) {
    r.pairs_per_lane = 1;
    r.lanes_per_image = n_out;
    r.images_per_warp = 32 / n_out;
    r.pairs = n_out;
  } else {
    r.pairs_per_lane = 2;
    r.lanes_per_image = 32;
    r.images_per_warp = 1;
    r.pairs = 64;
  }
  return r;
}

void check_inference_fits(const DeviceInputs& in, int device) {
  const std::string shape = std::to_string(in.n_in) + "x" + std::to_string(in.n_cols);
  if (in.n_out > kMaxOutputs) {
    throw UserError("CUDA engine: a " + shape + " array has more than " +
                    std::to_string(kMaxCols) + " physical columns (use --backend cpu)");
  }
  int max_shared = 0;
  XBARMC_CUDA_CALL(
      cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  cudaFuncAttributes attr{};
  XBARMC_CUDA_CALL(cudaFuncGetAttributes(&attr, select_kernel(in)));
  const std::size_t need = shared_bytes(make_shape(in)) + attr.sharedSizeBytes;
  if (need > static_cast<std::size_t>(max_shared)) {
    throw UserError("CUDA engine: a " + shape + " array needs " + std::to_string(need) +
                    " bytes of shared memory per block, the device has " +
                    std::to_string(max_shared) + " (use --backend cpu)");
  }
}

void launch_inference(const DeviceInputs& in, const DeviceBatch& b) {
  if (in.n_images == 0 || b.n_chips == 0 || in.n_times == 0) return;
  const Shape sh = make_shape(in);
  const std::size_t bytes = shared_bytes(sh);
  const KernelFn kernel = select_kernel(in);
  XBARMC_CUDA_CALL(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(bytes)));
  constexpr int kGroupsPerTile = kWarps * kGroupsPerWarp;
  const int n_tiles = (in.n_groups + kGroupsPerTile - 1) / kGroupsPerTile;
  const dim3 grid(static_cast<unsigned>(b.n_chips * in.n_times),
                  static_cast<unsigned>(std::min(n_tiles, 65535)));
  kernel<<<grid, 32 * kWarps, bytes>>>(in, b, sh);
  XBARMC_CUDA_CHECK_LAUNCH(inference_kernel);
}

}  // namespace xbarmc::cuda
