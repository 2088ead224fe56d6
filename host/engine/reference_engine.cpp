#include "engine/reference_engine.hpp"

#include <vector>

#include "engine/chip_instance.hpp"
#include "engine/validate.hpp"
#include "xbarmc/encoding.hpp"
#include "xbarmc/neuron.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {

void ReferenceEngine::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                          ChipBatchResult& out) {
  validate_study_inputs(in, chip_begin, chip_end);
  const std::size_t n_chips = chip_end - chip_begin;
  const int n_in = in.n_in, n_out = in.n_out, n_cols = in.n_cols(), steps = in.readout.timesteps;
  const ReadoutParams& r = in.readout;
  const ReadConstants rc = make_read_constants(in.device, r);
  const auto leak = static_cast<float>(in.neuron.leak);
  const auto theta = static_cast<float>(in.neuron.threshold);
  out.chip_begin = chip_begin;
  out.chip_end = chip_end;
  out.correct.assign(in.times_s.size() * n_chips, 0);
  out.no_spike.assign(out.correct.size(), 0);
  out.saturated.assign(out.correct.size(), 0);

  std::vector<float> s(static_cast<std::size_t>(n_in)), current(static_cast<std::size_t>(n_cols)),
      square(current.size()), code(current.size()), diff(static_cast<std::size_t>(n_out)),
      v(diff.size());
  std::vector<std::uint32_t> counts(diff.size());
  ChipScratch scratch;
  std::vector<ReadMatrix> matrices;
  for (std::uint64_t chip = chip_begin; chip < chip_end; ++chip) {
    const auto chip32 = static_cast<std::uint32_t>(chip);
    build_chip_matrices(in, chip32, scratch, matrices);
    for (int k = 0; k < in.n_times(); ++k) {
      const ReadMatrix& m = matrices[static_cast<std::size_t>(k)];
      const std::size_t slot = static_cast<std::size_t>(k) * n_chips + (chip - chip_begin);
      for (int image = 0; image < in.n_images(); ++image) {
        const std::uint32_t id = in.image_ids[static_cast<std::size_t>(image)];
        const Stream noise = read_noise_stream(in.seed, chip32, id);
        const float* x = in.features.data() + static_cast<std::size_t>(image) * n_in;
        for (int j = 0; j < n_out; ++j) {
          v[j] = 0.0f;
          counts[j] = 0;
        }
        for (int t = 0; t < steps; ++t) {
          for (int i = 0; i < n_in; ++i) s[i] = input_activation(r, in.seed, id, t, i, x[i]);
          for (int c = 0; c < n_cols; ++c) {
            column_read(m.a.data(), m.stride, s.data(), n_in, c, &current[c], &square[c]);
          }
          for (int j = 0; j < n_out; ++j) {
            const int cp = column_pos(in.layout, j, n_out), cn = column_neg(in.layout, j, n_out);
            bool clamped_pos = false, clamped_neg = false;
            if (r.scheme == Scheme::kB) {
              float y_pos = current[cp], y_neg = current[cn];
              if (rc.noisy) {
                y_pos += read_sigma(rc, square[cp]) *
                         stream_normal_float(noise, read_noise_index(k, steps, t, n_cols, cp));
                y_neg += read_sigma(rc, square[cn]) *
                         stream_normal_float(noise, read_noise_index(k, steps, t, n_cols, cn));
              }
              diff[j] = adc_code(y_pos, Scheme::kB, r.adc_bits, &clamped_pos) -
                        adc_code(y_neg, Scheme::kB, r.adc_bits, &clamped_neg);
            } else {
              float y = current[cp] - current[cn];
              if (rc.noisy) {
                y += read_sigma(rc, square[cp] + square[cn]) *
                     stream_normal_float(noise, read_noise_index(k, steps, t, n_out, j));
              }
              diff[j] = adc_code(y, Scheme::kA, r.adc_bits, &clamped_pos);
            }
            out.saturated[slot] += (clamped_pos ? 1u : 0u) + (clamped_neg ? 1u : 0u);
          }
          for (int j = 0; j < n_out; ++j) {
            if (if_step(&v[j], diff[j] * m.gain, leak, theta, in.neuron.reset)) ++counts[j];
          }
        }
        if (predict_class(counts.data(), v.data(), n_out) == in.labels[static_cast<std::size_t>(image)]) {
          ++out.correct[slot];
        }
        if (no_output_spike(counts.data(), n_out)) ++out.no_spike[slot];
      }
    }
  }
}

}  // namespace xbarmc
