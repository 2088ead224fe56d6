#include "engine/image_inference.hpp"

#include <algorithm>

#include "xbarmc/neuron.hpp"

namespace xbarmc {

InferenceSetup make_inference_setup(const StudyInputs& in) {
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

ImageOutcome infer_image(const simd::Kernels& k, const InferenceSetup& s, const ReadMatrix& m,
                         const InputPlan& plan, const float* activations, int image,
                         std::uint32_t image_id, std::uint32_t chip, int time_index,
                         InferenceWorkspace& w) {
  ImageOutcome out;
  const bool noisy = s.rc.noisy;
  const int n_ch = s.scheme == Scheme::kB ? s.n_cols : s.n_out;
  const float* z = nullptr;
  if (noisy) {
    // Normals (time_index·T + t)·n_ch + ch for every t and ch of this image (readout.hpp).
    const std::uint32_t first = read_noise_index(time_index, s.timesteps, 0, n_ch, 0);
    const std::uint32_t count = static_cast<std::uint32_t>(s.timesteps * n_ch);
    const std::uint32_t first_block = first / 4, lead = first % 4;
    k.normals(read_noise_stream(s.seed, chip, image_id), first_block, (lead + count + 3) / 4,
              w.z.data());
    z = w.z.data() + lead;
  }
  float* v = w.v.data();
  std::uint32_t* counts = w.counts.data();
  for (std::size_t j = 0; j < w.v.size(); ++j) {
    v[j] = 0.0f;
    counts[j] = 0;
  }
  simd::NeuronConstants nc;
  nc.leak = s.leak;
  nc.threshold = s.threshold;
  nc.gain = m.gain;
  nc.compensate = s.compensate;
  nc.reset = s.reset;
  nc.interleaved = s.interleaved;
  // With spikes and a kernel for it, the rows of every step are summed first, all steps
  // at once (read holds step t at t·row_floats); otherwise step by step into read. When
  // the ADC and neurons of all steps are one call too, the noisy sums come from the
  // packed rows (square right after the n_cols currents).
  const bool all_steps = !activations && k.accumulate_steps && plan.words == 1 &&
                         (noisy ? 2 * s.stride : s.stride) <= 64;
  const bool fused =
      all_steps && s.scheme == Scheme::kB && k.adc_neurons_steps && s.interleaved && s.n_out <= 16;
  const bool packed = fused && noisy;
  const int row_floats = packed ? m.packed_floats : noisy ? 2 * s.stride : s.stride;
  if (all_steps) {
    const float* rows = packed ? m.packed.data() : noisy ? m.a_a2.data() : m.a.data();
    k.accumulate_steps(rows, row_floats, plan.step_mask(image, 0), s.timesteps, w.read.data());
  }
  if (fused) {
    out.saturated = k.adc_neurons_steps(w.read.data(), row_floats, s.n_cols, z, s.timesteps,
                                        s.n_cols, s.rc, s.adc_bits, nc, s.n_out, v, counts);
  }
  for (int t = 0; t < (fused ? 0 : s.timesteps); ++t) {
    float* current = w.read.data() + (all_steps ? static_cast<std::size_t>(t) * row_floats : 0);
    float* square = noisy ? current + s.stride : nullptr;
    if (activations) {
      k.accumulate_dense(m.a.data(), m.stride, activations, s.n_in, current, square);
    } else if (!all_steps) {
      k.accumulate_spikes(m.a.data(), m.a2.data(), m.a_a2.data(), m.stride,
                          plan.step_mask(image, t), plan.words, current, square);
    }
    const float* zt = noisy ? z + static_cast<std::size_t>(t) * n_ch : nullptr;
    if (s.scheme == Scheme::kB) {
      out.saturated +=
          k.adc_unipolar(current, square, zt, s.n_cols, m.stride, s.rc, s.adc_bits, w.codes.data());
      k.neurons(w.codes.data(), s.col_pos.data(), s.col_neg.data(), s.n_out, nc, v, counts);
    } else {
      // Scheme A: one bipolar conversion of I_pos − I_neg per output, scalar.
      for (int j = 0; j < s.n_out; ++j) {
        const int cp = s.col_pos[j], cn = s.col_neg[j];
        float y = current[cp] - current[cn];
        if (noisy) y += read_sigma(s.rc, square[cp] + square[cn]) * zt[j];
        bool clamped;
        float d = adc_code(y, Scheme::kA, s.adc_bits, &clamped);
        out.saturated += clamped ? 1u : 0u;
        if (s.compensate) d *= m.gain;
        counts[j] += if_step(&v[j], d, s.leak, s.threshold, s.reset) ? 1u : 0u;
      }
    }
  }
  out.predicted = predict_class(counts, v, s.n_out);
  out.no_spike = no_output_spike(counts, s.n_out);
  return out;
}

}  // namespace xbarmc
