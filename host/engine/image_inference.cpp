#include "engine/image_inference.hpp"

#include <algorithm>

#include "common/errors.hpp"
#include "xbarmc/neuron.hpp"

namespace xbarmc {

InferenceSetup make_inference_setup(const StudyInputs& in, const simd::Kernels& k, int words) {
  InferenceSetup s;
  s.n_in = in.n_in;
  s.n_out = in.n_out;
  s.n_cols = in.n_cols();
  s.stride = padded_stride(s.n_cols);
  s.timesteps = in.readout.timesteps;
  s.adc_bits = in.readout.adc_bits;
  s.scheme = in.readout.scheme;
  s.rc = make_read_constants(in.device, in.readout);
  s.leak = static_cast<float>(in.neuron.leak);
  s.threshold = static_cast<float>(in.neuron.threshold);
  s.reset = in.neuron.reset;
  s.compensate = in.device.drift_compensation;
  s.seed = in.seed;
  // Padded to a multiple of 8 with index 0 for the SIMD neuron kernel.
  s.col_pos.assign(static_cast<std::size_t>(padded_stride(s.n_out)), 0);
  s.col_neg.assign(s.col_pos.size(), 0);
  s.interleaved = true;
  for (int j = 0; j < s.n_out; ++j) {
    s.col_pos[j] = column_pos(in.layout, j, s.n_out);
    s.col_neg[j] = column_neg(in.layout, j, s.n_out);
    s.interleaved = s.interleaved && s.col_pos[j] == 2 * j && s.col_neg[j] == 2 * j + 1;
  }
  const bool noisy = s.rc.noisy;
  if (in.readout.encoding == Encoding::kDirect) {
    s.path = ImagePath::kDense;
  } else if (k.accumulate_steps && words == 1 && (noisy ? 2 * s.stride : s.stride) <= 64) {
    const bool fused =
        s.scheme == Scheme::kB && k.adc_neurons_steps && s.interleaved && s.n_out <= 16;
    s.path = fused ? ImagePath::kFused : ImagePath::kAllSteps;
  } else {
    s.path = ImagePath::kSteps;
  }
  // The rows the path reads: kPacked ([a | a2] without padding between) for the noisy
  // fused path, kAA2 ([a | a2] at stride) for the other noisy spike sums, else kA (the
  // dense path squares its own sums).
  s.layout = s.path == ImagePath::kFused && noisy   ? MatrixLayout::kPacked
             : noisy && s.path != ImagePath::kDense ? MatrixLayout::kAA2
                                                    : MatrixLayout::kA;
  s.row_floats = s.layout == MatrixLayout::kPacked ? padded_stride(2 * s.n_cols)
                 : s.layout == MatrixLayout::kAA2  ? 2 * s.stride
                                                   : s.stride;
  return s;
}

void InferenceWorkspace::prepare(const InferenceSetup& s) {
  read.assign(2 * static_cast<std::size_t>(s.stride) * s.timesteps, 0.0f);
  // Interleaved neuron loads read 2·padded(n_out) codes (simd::NeuronConstants).
  codes.assign(static_cast<std::size_t>(std::max(s.stride, 2 * padded_stride(s.n_out))), 0.0f);
  // All normals of one image and time, plus a block of lead-in and a row of padding.
  const int n_ch = s.scheme == Scheme::kB ? s.n_cols : s.n_out;
  z.assign(static_cast<std::size_t>(s.timesteps) * n_ch + 4 + s.stride + 32, 0.0f);
  v.assign(static_cast<std::size_t>(padded_stride(s.n_out)), 0.0f);
  counts.assign(v.size(), 0u);
}

namespace {

// Normals (time_index·T + t)·n_ch + ch for every t and ch of this image (readout.hpp),
// or null without read noise.
const float* draw_read_noise(const simd::Kernels& k, const InferenceSetup& s, std::uint32_t chip,
                             std::uint32_t image_id, int time_index, InferenceWorkspace& w) {
  if (!s.rc.noisy) return nullptr;
  const int n_ch = s.scheme == Scheme::kB ? s.n_cols : s.n_out;
  const std::uint32_t first = read_noise_index(time_index, s.timesteps, 0, n_ch, 0);
  const auto count = static_cast<std::uint32_t>(s.timesteps * n_ch);
  const std::uint32_t first_block = first / 4, lead = first % 4;
  k.normals(read_noise_stream(s.seed, chip, image_id), first_block, (lead + count + 3) / 4,
            w.z.data());
  return w.z.data() + lead;
}

// ADC and neurons of one step from its currents (and squares when noisy).
std::uint32_t read_step(const simd::Kernels& k, const InferenceSetup& s, const ReadMatrix& m,
                        const simd::NeuronConstants& nc, const float* current, const float* square,
                        const float* zt, InferenceWorkspace& w) {
  float* v = w.v.data();
  std::uint32_t* counts = w.counts.data();
  if (s.scheme == Scheme::kB) {
    const std::uint32_t saturated =
        k.adc_unipolar(current, square, zt, s.n_cols, m.stride, s.rc, s.adc_bits, w.codes.data());
    k.neurons(w.codes.data(), s.col_pos.data(), s.col_neg.data(), s.n_out, nc, v, counts);
    return saturated;
  }
  // Scheme A: one bipolar conversion of I_pos − I_neg per output, scalar.
  std::uint32_t saturated = 0;
  for (int j = 0; j < s.n_out; ++j) {
    const int cp = s.col_pos[j], cn = s.col_neg[j];
    float y = current[cp] - current[cn];
    if (zt) y += read_sigma(s.rc, square[cp] + square[cn]) * zt[j];
    bool clamped;
    float d = adc_code(y, Scheme::kA, s.adc_bits, &clamped);
    saturated += clamped ? 1u : 0u;
    if (s.compensate) d *= m.gain;
    counts[j] += if_step(&v[j], d, s.leak, s.threshold, s.reset) ? 1u : 0u;
  }
  return saturated;
}

}  // namespace

ImageOutcome infer_image(const simd::Kernels& k, const InferenceSetup& s, const ReadMatrix& m,
                         const InputPlan& plan, const float* activations, int image,
                         std::uint32_t image_id, std::uint32_t chip, int time_index,
                         InferenceWorkspace& w) {
  ImageOutcome out;
  if (m.layout != s.layout) throw InternalError("engine: a read matrix in another layout");
  const float* z = draw_read_noise(k, s, chip, image_id, time_index, w);
  std::fill(w.v.begin(), w.v.end(), 0.0f);
  std::fill(w.counts.begin(), w.counts.end(), 0u);
  simd::NeuronConstants nc;
  nc.leak = s.leak;
  nc.threshold = s.threshold;
  nc.gain = m.gain;
  nc.compensate = s.compensate;
  nc.reset = s.reset;
  nc.interleaved = s.interleaved;
  const int n_ch = s.scheme == Scheme::kB ? s.n_cols : s.n_out;
  const bool noisy = z != nullptr;
  switch (s.path) {
    case ImagePath::kFused:
    case ImagePath::kAllSteps: {
      // Step t's sums at read + t·row_floats: [current | square].
      k.accumulate_steps(m.rows.data(), s.row_floats, plan.step_mask(image, 0), s.timesteps,
                         w.read.data());
      if (s.path == ImagePath::kFused) {
        out.saturated =
            k.adc_neurons_steps(w.read.data(), s.row_floats, s.n_cols, z, s.timesteps, s.n_cols,
                                s.rc, s.adc_bits, nc, s.n_out, w.v.data(), w.counts.data());
        break;
      }
      for (int t = 0; t < s.timesteps; ++t) {
        const float* current = w.read.data() + static_cast<std::size_t>(t) * s.row_floats;
        out.saturated += read_step(k, s, m, nc, current, noisy ? current + s.stride : nullptr,
                                   noisy ? z + static_cast<std::size_t>(t) * n_ch : nullptr, w);
      }
      break;
    }
    case ImagePath::kSteps:
    case ImagePath::kDense:
      for (int t = 0; t < s.timesteps; ++t) {
        float* current = w.read.data();
        float* square = noisy ? current + s.stride : nullptr;
        if (s.path == ImagePath::kDense) {
          k.accumulate_dense(m.rows.data(), m.stride, activations, s.n_in, current, square);
        } else {
          k.accumulate_spikes(m.rows.data(), m.stride, plan.step_mask(image, t), plan.words,
                              current, square);
        }
        out.saturated += read_step(k, s, m, nc, current, square,
                                   noisy ? z + static_cast<std::size_t>(t) * n_ch : nullptr, w);
      }
      break;
  }
  out.predicted = predict_class(w.counts.data(), w.v.data(), s.n_out);
  out.no_spike = no_output_spike(w.counts.data(), s.n_out);
  for (int j = 0; j < s.n_out; ++j) out.spikes += w.counts[static_cast<std::size_t>(j)];
  return out;
}

}  // namespace xbarmc
