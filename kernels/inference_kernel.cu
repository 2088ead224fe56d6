// Work split: a block takes one (chip, time) and a tile of kImagesPerBlock images; the
// chip's read matrix sits in shared memory (float; {a, a2} pairs when noise needs the
// squares), each warp runs one image at a time with lane = physical column (columns
// lane, lane+32, …). Rows are summed in ascending order from 0.0f, exactly as the CPU
// engine's accumulate_* kernels, so the currents are bit-identical.
//
// Read noise: the normals of a window of timesteps are drawn up front by all 32 lanes
// (one cuRAND Philox block → four normals per lane and round, as the CPU engine's
// normals()), into per-warp shared memory; a step then reads its z. Drawing them per
// column and step would make every lane run a full Box–Muller for one normal, and
// leave 12 of 32 lanes idle on a 20-column array: ~4× the work.
#include "cuda_check.cuh"
#include "inference_kernel.cuh"
#include "philox_curand.cuh"
#include "xbarmc/neuron.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cuda {
namespace {

constexpr int kWarpsPerBlock = 8;
constexpr int kImagesPerBlock = 128;
constexpr int kNoiseWindowFloats = 512;  // normals per warp and window (before padding)

// Shapes derived on the host, passed to the kernel beside the study.
struct Shape {
  int steps_per_window = 1;  // timesteps whose normals fit one window
  int window_floats = 0;     // per-warp noise buffer, with room for the block lead-in
  int warp_floats = 0;       // per-warp scratch in total
};

int noise_channels(const DeviceInputs& in) {
  return in.readout.scheme == Scheme::kB ? in.n_cols : in.n_out;
}

Shape make_shape(const DeviceInputs& in) {
  Shape s;
  const int n_ch = noise_channels(in);
  if (in.rc.noisy) {
    s.steps_per_window = n_ch >= kNoiseWindowFloats ? 1 : kNoiseWindowFloats / n_ch;
    if (s.steps_per_window > in.timesteps) s.steps_per_window = in.timesteps;
    s.window_floats = s.steps_per_window * n_ch + 8;  // lead-in ≤ 3, last block ≤ 3
  }
  // Currents, squares, codes of the columns; potentials and counts of the outputs.
  s.warp_floats = 3 * in.n_cols + 2 * in.n_out + s.window_floats;
  return s;
}

bool needs_squares(const DeviceInputs& in) {
  return in.rc.noisy && in.readout.encoding != Encoding::kDirect;
}

// kCols: columns per lane (1 for n_cols ≤ 32, else kMaxColsPerLane).
template <bool kNoisy, bool kDense, int kCols>
__global__ void __launch_bounds__(32 * kWarpsPerBlock)
    inference_kernel(DeviceInputs in, DeviceBatch b, Shape shape) {
  constexpr bool kPairs = kNoisy && !kDense;  // shared matrix as {a, a2} pairs
  constexpr int kOuts = (kCols + 1) / 2;      // n_out = n_cols / 2
  extern __shared__ float4 smem_aligned[];
  auto* smem = reinterpret_cast<float*>(smem_aligned);
  __shared__ unsigned s_correct, s_no_spike;
  __shared__ unsigned long long s_saturated;

  const int n_cols = in.n_cols, n_out = in.n_out, n_in = in.n_in;
  const int n_cells = n_in * n_cols;
  const int ct = blockIdx.x;  // chip_local·n_times + time
  const int c = ct / in.n_times, k = ct % in.n_times;
  const std::uint32_t chip = b.chip_begin + static_cast<std::uint32_t>(c);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;

  // The chip's read matrix at this time: global → shared, coalesced.
  auto* sa_pairs = reinterpret_cast<float2*>(smem);
  float* sa = smem;
  const float* ga = b.a + static_cast<std::size_t>(ct) * n_cells;
  const float* ga2 = b.a2 + static_cast<std::size_t>(ct) * n_cells;
  for (int e = threadIdx.x; e < n_cells; e += blockDim.x) {
    if (kPairs) {
      sa_pairs[e] = make_float2(ga[e], ga2[e]);
    } else {
      sa[e] = ga[e];
    }
  }
  float* ws = smem + (kPairs ? 2 : 1) * n_cells + warp * shape.warp_floats;
  float* w_cur = ws;
  float* w_sq = w_cur + n_cols;
  float* w_code = w_sq + n_cols;
  float* w_v = w_code + n_cols;
  auto* w_cnt = reinterpret_cast<std::uint32_t*>(w_v + n_out);
  float* w_z = w_v + 2 * n_out;
  if (threadIdx.x == 0) {
    s_correct = 0;
    s_no_spike = 0;
    s_saturated = 0;
  }
  __syncthreads();

  const float gain = b.gain[ct];
  const bool compensate = in.device.drift_compensation;
  const Scheme scheme = in.readout.scheme;
  const int adc_bits = in.readout.adc_bits, steps = in.timesteps;
  const int n_ch = scheme == Scheme::kB ? n_cols : n_out;
  unsigned correct = 0, no_spike = 0, saturated = 0;

  const int image_end = min(in.n_images, static_cast<int>(blockIdx.y + 1) * kImagesPerBlock);
  for (int image = blockIdx.y * kImagesPerBlock + warp; image < image_end;
       image += kWarpsPerBlock) {
    float v[kOuts];
    std::uint32_t cnt[kOuts];
#pragma unroll
    for (int q = 0; q < kOuts; ++q) {
      v[q] = 0.0f;
      cnt[q] = 0;
    }
    const Stream noise = read_noise_stream(in.seed, chip, in.image_ids[image]);
    int window_t0 = 0, lead = 0;
    for (int t = 0; t < steps; ++t) {
      if (kNoisy && (t - window_t0 >= shape.steps_per_window || t == 0)) {
        // Normals (k·T + t′)·n_ch + ch for t′ in [t, t + steps_per_window): blocks
        // first/4 … of the image's stream, four normals each (readout.hpp's pairing).
        window_t0 = t;
        const int t1 = min(steps, t + shape.steps_per_window);
        const std::uint32_t first = read_noise_index(k, steps, t, n_ch, 0);
        const std::uint32_t count = static_cast<std::uint32_t>((t1 - t) * n_ch);
        const std::uint32_t first_block = first / 4;
        lead = static_cast<int>(first % 4);
        const std::uint32_t n_blocks = (static_cast<std::uint32_t>(lead) + count + 3) / 4;
        __syncwarp();  // the previous window is consumed
        for (std::uint32_t q = static_cast<std::uint32_t>(lane); q < n_blocks; q += 32) {
          const U32x4 w = curand_stream_block(noise, first_block + q);
          normal2_float(w.x, w.y, &w_z[4 * q], &w_z[4 * q + 1]);
          normal2_float(w.z, w.w, &w_z[4 * q + 2], &w_z[4 * q + 3]);
        }
        __syncwarp();
      }
      const float* zt = w_z + lead + (t - window_t0) * n_ch;

      float cur[kCols], sq[kCols];
#pragma unroll
      for (int q = 0; q < kCols; ++q) {
        cur[q] = 0.0f;
        sq[q] = 0.0f;
      }
      if (kDense) {
        const float* s = in.activations + static_cast<std::size_t>(image) * n_in;
        for (int i = 0; i < n_in; ++i) {
          const float si = s[i];
#pragma unroll
          for (int q = 0; q < kCols; ++q) {
            const int col = lane + 32 * q;
            if (col < n_cols) {
              const float x = si * sa[i * n_cols + col];
              cur[q] += x;
              if (kNoisy) sq[q] += x * x;
            }
          }
        }
      } else {
        const std::uint64_t* mask =
            in.masks + (static_cast<std::size_t>(image) * steps + t) * in.words;
        for (int w = 0; w < in.words; ++w) {
          for (std::uint64_t m = mask[w]; m != 0; m &= m - 1) {
            const int i = 64 * w + __ffsll(static_cast<long long>(m)) - 1;
#pragma unroll
            for (int q = 0; q < kCols; ++q) {
              const int col = lane + 32 * q;
              if (col < n_cols) {
                if (kPairs) {
                  const float2 p = sa_pairs[i * n_cols + col];
                  cur[q] += p.x;
                  sq[q] += p.y;
                } else {
                  cur[q] += sa[i * n_cols + col];
                }
              }
            }
          }
        }
      }

      if (scheme == Scheme::kB) {
        // One unipolar ADC per column, then diff = code_pos − code_neg in digital.
#pragma unroll
        for (int q = 0; q < kCols; ++q) {
          const int col = lane + 32 * q;
          if (col < n_cols) {
            float y = cur[q];
            if (kNoisy) y += read_sigma(in.rc, sq[q]) * zt[col];
            bool clamped;
            w_code[col] = adc_code(y, Scheme::kB, adc_bits, &clamped);
            saturated += clamped ? 1u : 0u;
          }
        }
        __syncwarp();
#pragma unroll
        for (int q = 0; q < kOuts; ++q) {
          const int j = lane + 32 * q;
          if (j < n_out) {
            const float diff =
                w_code[column_pos(in.layout, j, n_out)] - w_code[column_neg(in.layout, j, n_out)];
            const float d = compensate ? diff * gain : diff;
            cnt[q] += if_step(&v[q], d, in.leak, in.threshold, in.reset) ? 1u : 0u;
          }
        }
      } else {
        // One bipolar ADC per output on I_pos − I_neg.
#pragma unroll
        for (int q = 0; q < kCols; ++q) {
          const int col = lane + 32 * q;
          if (col < n_cols) {
            w_cur[col] = cur[q];
            w_sq[col] = sq[q];
          }
        }
        __syncwarp();
#pragma unroll
        for (int q = 0; q < kOuts; ++q) {
          const int j = lane + 32 * q;
          if (j < n_out) {
            const int cp = column_pos(in.layout, j, n_out), cn = column_neg(in.layout, j, n_out);
            float y = w_cur[cp] - w_cur[cn];
            if (kNoisy) y += read_sigma(in.rc, w_sq[cp] + w_sq[cn]) * zt[j];
            bool clamped;
            const float diff = adc_code(y, Scheme::kA, adc_bits, &clamped);
            saturated += clamped ? 1u : 0u;
            const float d = compensate ? diff * gain : diff;
            cnt[q] += if_step(&v[q], d, in.leak, in.threshold, in.reset) ? 1u : 0u;
          }
        }
      }
      __syncwarp();  // the next step overwrites the warp's scratch
    }

    // Prediction with neuron.hpp's rule, by lane 0 over the warp's outputs.
#pragma unroll
    for (int q = 0; q < kOuts; ++q) {
      const int j = lane + 32 * q;
      if (j < n_out) {
        w_v[j] = v[q];
        w_cnt[j] = cnt[q];
      }
    }
    __syncwarp();
    if (lane == 0) {
      correct += predict_class(w_cnt, w_v, n_out) == in.labels[image] ? 1u : 0u;
      no_spike += no_output_spike(w_cnt, n_out) ? 1u : 0u;
    }
    __syncwarp();
  }

  // Integer counts: the order of the atomic adds cannot change them.
  if (lane == 0 && (correct | no_spike) != 0) {
    atomicAdd(&s_correct, correct);
    atomicAdd(&s_no_spike, no_spike);
  }
  if (saturated != 0) atomicAdd(&s_saturated, static_cast<unsigned long long>(saturated));
  __syncthreads();
  if (threadIdx.x == 0) {
    const std::size_t slot = static_cast<std::size_t>(k) * b.n_chips + c;
    if (s_correct) atomicAdd(&b.correct[slot], s_correct);
    if (s_no_spike) atomicAdd(&b.no_spike[slot], s_no_spike);
    if (s_saturated) atomicAdd(&b.saturated[slot], s_saturated);
  }
}

template <bool kNoisy, bool kDense, int kCols>
void launch(const DeviceInputs& in, const DeviceBatch& b) {
  const std::size_t bytes = inference_shared_bytes(in);
  auto* kernel = &inference_kernel<kNoisy, kDense, kCols>;
  XBARMC_CUDA_CALL(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(bytes)));
  const dim3 grid(static_cast<unsigned>(b.n_chips * in.n_times),
                  static_cast<unsigned>((in.n_images + kImagesPerBlock - 1) / kImagesPerBlock));
  kernel<<<grid, 32 * kWarpsPerBlock, bytes>>>(in, b, make_shape(in));
  XBARMC_CUDA_CHECK_LAUNCH(inference_kernel);
}

template <bool kNoisy, bool kDense>
void launch_for_width(const DeviceInputs& in, const DeviceBatch& b) {
  if (in.n_cols <= 32) {
    launch<kNoisy, kDense, 1>(in, b);
  } else {
    launch<kNoisy, kDense, kMaxColsPerLane>(in, b);
  }
}

}  // namespace

std::size_t inference_shared_bytes(const DeviceInputs& in) {
  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  return sizeof(float) * ((needs_squares(in) ? 2 : 1) * cells +
                          static_cast<std::size_t>(kWarpsPerBlock) * make_shape(in).warp_floats);
}

void launch_inference(const DeviceInputs& in, const DeviceBatch& b) {
  if (in.n_images == 0 || b.n_chips == 0 || in.n_times == 0) return;
  const bool dense = in.readout.encoding == Encoding::kDirect;
  if (in.rc.noisy) {
    dense ? launch_for_width<true, true>(in, b) : launch_for_width<true, false>(in, b);
  } else {
    dense ? launch_for_width<false, true>(in, b) : launch_for_width<false, false>(in, b);
  }
}

}  // namespace xbarmc::cuda
