// Work split: a block takes one (chip, time) and a tile of kImagesPerBlock images; the
// chip's read matrix a, a2 sits in shared memory (float), each warp runs one image at
// a time with lane = physical column (columns lane, lane+32, …). Rows are summed in
// ascending order from 0.0f, exactly as the CPU engine's accumulate_* kernels, so the
// currents are bit-identical; read noise uses cuRAND Philox with readout.hpp's keys.
#include "inference_kernel.cuh"

#include "cuda_check.cuh"
#include "philox_curand.cuh"
#include "xbarmc/neuron.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cuda {
namespace {

constexpr int kWarpsPerBlock = 8;
constexpr int kImagesPerBlock = 128;
constexpr int kMaxOutsPerLane = kMaxColsPerLane / 2;

// Per-warp scratch in shared memory, in floats: currents, squares and codes of the
// columns, then membrane potentials and spike counts of the outputs.
__host__ __device__ int warp_scratch_floats(int n_cols, int n_out) { return 3 * n_cols + 2 * n_out; }

template <bool kNoisy, bool kDense>
__global__ void __launch_bounds__(32 * kWarpsPerBlock)
    inference_kernel(DeviceInputs in, DeviceBatch b) {
  extern __shared__ float smem[];
  __shared__ unsigned s_correct, s_no_spike;
  __shared__ unsigned long long s_saturated;

  const int n_cols = in.n_cols, n_out = in.n_out, n_in = in.n_in;
  const int n_cells = n_in * n_cols;
  const int ct = blockIdx.x;  // chip_local·n_times + time
  const int c = ct / in.n_times, k = ct % in.n_times;
  const std::uint32_t chip = b.chip_begin + static_cast<std::uint32_t>(c);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;

  // The chip's read matrix at this time: global → shared, coalesced.
  constexpr bool kNeedA2 = kNoisy && !kDense;
  float* sa = smem;
  float* sa2 = sa + n_cells;
  const float* ga = b.a + static_cast<std::size_t>(ct) * n_cells;
  const float* ga2 = b.a2 + static_cast<std::size_t>(ct) * n_cells;
  for (int e = threadIdx.x; e < n_cells; e += blockDim.x) {
    sa[e] = ga[e];
    if (kNeedA2) sa2[e] = ga2[e];
  }
  float* ws = sa + (kNeedA2 ? 2 : 1) * n_cells + warp * warp_scratch_floats(n_cols, n_out);
  float* w_cur = ws;
  float* w_sq = w_cur + n_cols;
  float* w_code = w_sq + n_cols;
  float* w_v = w_code + n_cols;
  auto* w_cnt = reinterpret_cast<std::uint32_t*>(w_v + n_out);
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
  unsigned correct = 0, no_spike = 0, saturated = 0;

  const int image_end = min(in.n_images, static_cast<int>(blockIdx.y + 1) * kImagesPerBlock);
  for (int image = blockIdx.y * kImagesPerBlock + warp; image < image_end; image += kWarpsPerBlock) {
    float v[kMaxOutsPerLane];
    std::uint32_t cnt[kMaxOutsPerLane];
#pragma unroll
    for (int q = 0; q < kMaxOutsPerLane; ++q) {
      v[q] = 0.0f;
      cnt[q] = 0;
    }
    const Stream noise = read_noise_stream(in.seed, chip, in.image_ids[image]);
    for (int t = 0; t < steps; ++t) {
      float cur[kMaxColsPerLane], sq[kMaxColsPerLane];
#pragma unroll
      for (int q = 0; q < kMaxColsPerLane; ++q) {
        cur[q] = 0.0f;
        sq[q] = 0.0f;
      }
      if (kDense) {
        const float* s = in.activations + static_cast<std::size_t>(image) * n_in;
        for (int i = 0; i < n_in; ++i) {
          const float si = s[i];
#pragma unroll
          for (int q = 0; q < kMaxColsPerLane; ++q) {
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
            for (int q = 0; q < kMaxColsPerLane; ++q) {
              const int col = lane + 32 * q;
              if (col < n_cols) {
                cur[q] += sa[i * n_cols + col];
                if (kNoisy) sq[q] += sa2[i * n_cols + col];
              }
            }
          }
        }
      }

      if (scheme == Scheme::kB) {
        // One unipolar ADC per column, normal (k·T + t)·n_cols + col.
#pragma unroll
        for (int q = 0; q < kMaxColsPerLane; ++q) {
          const int col = lane + 32 * q;
          if (col < n_cols) {
            float y = cur[q];
            if (kNoisy) {
              const float z = curand_stream_normal_float(
                  noise, read_noise_index(k, steps, t, n_cols, col));
              y += read_sigma(in.rc, sq[q]) * z;
            }
            bool clamped;
            w_code[col] = adc_code(y, Scheme::kB, adc_bits, &clamped);
            saturated += clamped ? 1u : 0u;
          }
        }
        __syncwarp();
#pragma unroll
        for (int q = 0; q < kMaxOutsPerLane; ++q) {
          const int j = lane + 32 * q;
          if (j < n_out) {
            const float diff = w_code[column_pos(in.layout, j, n_out)] -
                               w_code[column_neg(in.layout, j, n_out)];
            const float d = compensate ? diff * gain : diff;
            cnt[q] += if_step(&v[q], d, in.leak, in.threshold, in.reset) ? 1u : 0u;
          }
        }
      } else {
        // One bipolar ADC per output on I_pos − I_neg, normal (k·T + t)·n_out + j.
#pragma unroll
        for (int q = 0; q < kMaxColsPerLane; ++q) {
          const int col = lane + 32 * q;
          if (col < n_cols) {
            w_cur[col] = cur[q];
            w_sq[col] = sq[q];
          }
        }
        __syncwarp();
#pragma unroll
        for (int q = 0; q < kMaxOutsPerLane; ++q) {
          const int j = lane + 32 * q;
          if (j < n_out) {
            const int cp = column_pos(in.layout, j, n_out), cn = column_neg(in.layout, j, n_out);
            float y = w_cur[cp] - w_cur[cn];
            if (kNoisy) {
              const float z =
                  curand_stream_normal_float(noise, read_noise_index(k, steps, t, n_out, j));
              y += read_sigma(in.rc, w_sq[cp] + w_sq[cn]) * z;
            }
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
    for (int q = 0; q < kMaxOutsPerLane; ++q) {
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

template <bool kNoisy, bool kDense>
void launch(const DeviceInputs& in, const DeviceBatch& b) {
  const std::size_t bytes = inference_shared_bytes(in);
  auto* kernel = &inference_kernel<kNoisy, kDense>;
  XBARMC_CUDA_CALL(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(bytes)));
  const dim3 grid(static_cast<unsigned>(b.n_chips * in.n_times),
                  static_cast<unsigned>((in.n_images + kImagesPerBlock - 1) / kImagesPerBlock));
  kernel<<<grid, 32 * kWarpsPerBlock, bytes>>>(in, b);
  XBARMC_CUDA_CHECK_LAUNCH(inference_kernel);
}

}  // namespace

std::size_t inference_shared_bytes(const DeviceInputs& in) {
  const bool need_a2 = in.rc.noisy && in.readout.encoding != Encoding::kDirect;
  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  return sizeof(float) * ((need_a2 ? 2 : 1) * cells +
                          static_cast<std::size_t>(kWarpsPerBlock) *
                              warp_scratch_floats(in.n_cols, in.n_out));
}

void launch_inference(const DeviceInputs& in, const DeviceBatch& b) {
  if (in.n_images == 0 || b.n_chips == 0 || in.n_times == 0) return;
  const bool dense = in.readout.encoding == Encoding::kDirect;
  if (in.rc.noisy) {
    dense ? launch<true, true>(in, b) : launch<true, false>(in, b);
  } else {
    dense ? launch<false, true>(in, b) : launch<false, false>(in, b);
  }
}

}  // namespace xbarmc::cuda
