#include "engine/reference_engine.hpp"

#include <vector>

#include "engine/network.hpp"
#include "engine/network_chip.hpp"
#include "engine/validate.hpp"
#include "xbarmc/encoding.hpp"
#include "xbarmc/neuron.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {
namespace {

// The state of one layer during one image.
struct LayerState {
  std::vector<float> s;        // inputs of this step, padded with 0 to row_blocks·R_a
  std::vector<float> diff, v;  // per output
  std::vector<std::uint32_t> counts;
};

}  // namespace

void ReferenceEngine::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                          ChipBatchResult& out) {
  validate_study_inputs(in, chip_begin, chip_end);
  const Network net = make_network(in);
  const std::size_t n_chips = chip_end - chip_begin;
  const int n_layers = net.n_layers(), steps = in.readout.timesteps;
  const ReadoutParams& r = in.readout;
  const bool scheme_b = r.scheme == Scheme::kB;
  const auto leak = static_cast<float>(in.neuron.leak);
  out.reset(chip_begin, chip_end, in.n_times(), n_layers);

  std::vector<LayerState> state(static_cast<std::size_t>(n_layers));
  for (int l = 0; l < n_layers; ++l) {
    const NetworkLayer& layer = net.layers[static_cast<std::size_t>(l)];
    LayerState& st = state[static_cast<std::size_t>(l)];
    st.s.assign(static_cast<std::size_t>(layer.row_blocks) * layer.array_rows, 0.0f);
    st.diff.assign(static_cast<std::size_t>(layer.in.n_out), 0.0f);
    st.v = st.diff;
    st.counts.assign(st.diff.size(), 0);
  }
  NetworkChipScratch scratch;
  std::vector<std::vector<ArrayRead>> reads;
  for (std::uint64_t chip = chip_begin; chip < chip_end; ++chip) {
    const auto chip32 = static_cast<std::uint32_t>(chip);
    const VerifyTally verify = build_network_chip(in, net, chip32, scratch, reads);
    out.verify_pulses[chip - chip_begin] = verify.pulses;
    out.verify_failures[chip - chip_begin] = verify.failures;
    out.verify_cells[chip - chip_begin] = verify.cells;
    for (int k = 0; k < in.n_times(); ++k) {
      const std::size_t slot = static_cast<std::size_t>(k) * n_chips + (chip - chip_begin);
      for (int image = 0; image < in.n_images(); ++image) {
        const std::uint32_t id = in.image_ids[static_cast<std::size_t>(image)];
        const Stream noise = read_noise_stream(in.seed, chip32, id);
        const float* x = in.features.data() + static_cast<std::size_t>(image) * in.n_in;
        for (LayerState& st : state) {
          std::fill(st.v.begin(), st.v.end(), 0.0f);
          std::fill(st.counts.begin(), st.counts.end(), 0u);
        }
        for (int t = 0; t < steps; ++t) {
          // Layer 0's inputs: the encoded features; a bias row is driven every step.
          LayerState& first = state[0];
          for (int i = 0; i < in.n_in; ++i)
            first.s[i] = input_activation(r, in.seed, id, t, i, x[i]);
          for (int l = 0; l < n_layers; ++l) {
            const NetworkLayer& layer = net.layers[static_cast<std::size_t>(l)];
            LayerState& st = state[static_cast<std::size_t>(l)];
            if (layer.in.bias_row) st.s[static_cast<std::size_t>(layer.in.n_in)] = 1.0f;
            std::fill(st.diff.begin(), st.diff.end(), 0.0f);
            std::uint64_t saturated = 0;
            for (int ai = layer.first_array; ai < layer.first_array + layer.n_arrays; ++ai) {
              const ArrayPlacement& a = net.arrays[static_cast<std::size_t>(ai)];
              const ArrayRead& m = reads[static_cast<std::size_t>(k)][static_cast<std::size_t>(ai)];
              const float* s = st.s.data() + a.row_begin;  // unused rows read 0 V
              for (int j = 0; j < a.outs_used; ++j) {
                const int cp = array_column_pos(in.layout, a, j),
                          cn = array_column_neg(in.layout, a, j);
                float i_pos, s_pos, i_neg, s_neg;
                column_read(m.a.data(), a.cols, s, a.rows, cp, &i_pos, &s_pos);
                column_read(m.a.data(), a.cols, s, a.rows, cn, &i_neg, &s_neg);
                if (net.level_read_sigma) {  // the noise sums of b = σ_k·a
                  float unused;
                  column_read(m.b.data(), a.cols, s, a.rows, cp, &unused, &s_pos);
                  column_read(m.b.data(), a.cols, s, a.rows, cn, &unused, &s_neg);
                }
                bool clamped_pos = false, clamped_neg = false;
                float code;
                if (scheme_b) {
                  float y_pos = i_pos, y_neg = i_neg;
                  if (net.noisy) {
                    y_pos +=
                        read_sigma(layer.rc, s_pos) *
                        stream_normal_float(noise, read_noise_index(k, steps, t, net.noise_channels,
                                                                    a.column_offset + cp));
                    y_neg +=
                        read_sigma(layer.rc, s_neg) *
                        stream_normal_float(noise, read_noise_index(k, steps, t, net.noise_channels,
                                                                    a.column_offset + cn));
                  }
                  code = adc_code(y_pos, Scheme::kB, r.adc_bits, &clamped_pos) -
                         adc_code(y_neg, Scheme::kB, r.adc_bits, &clamped_neg);
                } else {
                  float y = i_pos - i_neg;
                  if (net.noisy) {
                    y +=
                        read_sigma(layer.rc, s_pos + s_neg) *
                        stream_normal_float(noise, read_noise_index(k, steps, t, net.noise_channels,
                                                                    a.output_offset + j));
                  }
                  code = adc_code(y, Scheme::kA, r.adc_bits, &clamped_pos);
                }
                saturated += (clamped_pos ? 1u : 0u) + (clamped_neg ? 1u : 0u);
                st.diff[static_cast<std::size_t>(a.out_begin + j)] += m.gain * code;
              }
            }
            for (std::size_t j = 0; j < layer.bias_codes.size(); ++j)
              st.diff[j] += layer.bias_codes[j];
            // The neurons; their spikes are the next layer's inputs within this step.
            float* next =
                l + 1 < n_layers ? state[static_cast<std::size_t>(l) + 1].s.data() : nullptr;
            std::uint64_t spikes = 0;
            for (int j = 0; j < layer.in.n_out; ++j) {
              const bool spike =
                  if_step(&st.v[j], st.diff[j], leak, layer.threshold, in.neuron.reset);
              st.counts[j] += spike ? 1u : 0u;
              spikes += spike ? 1u : 0u;
              if (next) next[j] = spike ? 1.0f : 0.0f;
            }
            const std::size_t layer_slot =
                static_cast<std::size_t>(l) * in.n_times() * n_chips + slot;
            out.layer_saturated[layer_slot] += saturated;
            out.layer_spikes[layer_slot] += spikes;
            out.saturated[slot] += saturated;
          }
        }
        const LayerState& last = state.back();
        const int n_out = net.output().in.n_out;
        if (predict_class(last.counts.data(), last.v.data(), n_out) ==
            in.labels[static_cast<std::size_t>(image)]) {
          ++out.correct[slot];
        }
        if (no_output_spike(last.counts.data(), n_out)) ++out.no_spike[slot];
      }
    }
  }
}

}  // namespace xbarmc
