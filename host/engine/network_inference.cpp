#include "engine/network_inference.hpp"

#include <algorithm>

#include "xbarmc/neuron.hpp"

namespace xbarmc {
namespace {

constexpr int kGroupImages = 16;  // images read per array while its rows stay in cache
constexpr int kSlack = 64;        // floats past a buffer's end that padded kernels may touch

int round_up(int n, int m) {
  return (n + m - 1) / m * m;
}

// neuron.hpp's if_step on every output of one step, written without branches so that the
// compiler vectorises it (the same operations: x = β·v + d; spike iff x ≥ θ; reset).
void neuron_step(const float* d, int n, float leak, float threshold, Reset reset, float* v,
                 std::uint32_t* counts, std::uint32_t* spiked) {
  const bool subtract = reset == Reset::kSubtract;
  for (int j = 0; j < n; ++j) {
    const float x = leak * v[j] + d[j];
    const bool spike = x >= threshold;
    const float after = subtract ? x - threshold : 0.0f;
    v[j] = spike ? after : x;
    counts[j] += spike ? 1u : 0u;
    spiked[j] = spike ? 1u : 0u;
  }
}

// The highest physical column an array reads, plus one.
int column_span(Layout layout, const ArrayPlacement& a) {
  return layout == Layout::kInterleaved ? 2 * a.outs_used : a.outputs() + a.outs_used;
}

}  // namespace

void NetworkTally::reset(int n_layers) {
  correct = no_spike = 0;
  saturated.assign(static_cast<std::size_t>(n_layers), 0);
  spikes.assign(static_cast<std::size_t>(n_layers), 0);
}

void NetworkTally::add(const NetworkTally& o) {
  correct += o.correct;
  no_spike += o.no_spike;
  for (std::size_t l = 0; l < saturated.size(); ++l) {
    saturated[l] += o.saturated[l];
    spikes[l] += o.spikes[l];
  }
}

NetworkRunner::NetworkRunner(const StudyInputs& in, const Network& net, const InputPlan& plan,
                             const simd::Kernels& k)
    : in_(in),
      net_(net),
      plan_(plan),
      k_(k),
      dense_first_(in.readout.encoding == Encoding::kDirect) {
  for (const NetworkLayer& l : net.layers) words_.push_back((l.in.rows() + 63) / 64);
}

void NetworkRunner::read_chip(const NetworkChip& chip, double t_s, NetworkChipScratch& scratch,
                              std::vector<ArrayRows>& arrays) const {
  arrays.resize(net_.arrays.size());
  ArrayRead read;
  for (std::size_t ai = 0; ai < net_.arrays.size(); ++ai) {
    const ArrayPlacement& a = net_.arrays[ai];
    read_array_at(in_, net_, chip, static_cast<int>(ai), t_s, scratch, read);
    ArrayRows& out = arrays[ai];
    out.gain = read.gain;
    // The read matrix a, rows padded with zeros to a multiple of 16 floats: what both
    // simd::AccumulateListFn (spikes) and simd::AccumulateDenseFn (analog) read.
    out.row_floats = round_up(a.cols, 16);
    const auto pad = [&](const std::vector<float>& from, std::vector<float>& to) {
      to.assign(static_cast<std::size_t>(a.rows) * out.row_floats, 0.0f);
      for (int i = 0; i < a.rows; ++i) {
        const float* src = from.data() + static_cast<std::size_t>(i) * a.cols;
        std::copy(src, src + a.cols, to.data() + static_cast<std::size_t>(i) * out.row_floats);
      }
    };
    pad(read.a, out.rows);
    if (net_.level_read_sigma) {
      pad(read.b, out.noise);
    } else {
      out.noise.clear();
    }
  }
}

void NetworkRunner::run_images(const std::vector<ArrayRows>& arrays, std::uint32_t chip, int k,
                               int begin, int end, Workspace& w, NetworkTally& tally,
                               LayerProbe* probe) const {
  if (tally.saturated.size() != net_.layers.size()) tally.reset(net_.n_layers());
  for (int first = begin; first < end; first += kGroupImages) {
    run_group(arrays, chip, k, first, std::min(kGroupImages, end - first), w, tally, probe);
  }
}

void NetworkRunner::run_group(const std::vector<ArrayRows>& arrays, std::uint32_t chip, int k,
                              int begin, int n, Workspace& w, NetworkTally& tally,
                              LayerProbe* probe) const {
  const int steps = in_.readout.timesteps, n_layers = net_.n_layers();
  // Input masks of every layer for the group: [image × T × words].
  w.mask_offset.resize(static_cast<std::size_t>(n_layers) + 1);
  w.mask_offset[0] = 0;
  for (int l = 0; l < n_layers; ++l) {
    w.mask_offset[l + 1] = w.mask_offset[l] + static_cast<std::size_t>(n) * steps * words_[l];
  }
  w.masks.assign(w.mask_offset.back(), 0);
  if (!dense_first_) {
    const int words = words_[0];
    for (int g = 0; g < n; ++g) {
      for (int t = 0; t < steps; ++t) {
        const std::uint64_t* src = plan_.step_mask(begin + g, t);
        std::uint64_t* dst = w.masks.data() + (static_cast<std::size_t>(g) * steps + t) * words;
        std::copy(src, src + plan_.words, dst);
      }
    }
  }
  for (int l = 0; l < n_layers; ++l) {
    const NetworkLayer& layer = net_.layers[static_cast<std::size_t>(l)];
    const int n_out = layer.in.n_out, words = words_[l];
    std::uint64_t* masks = w.masks.data() + w.mask_offset[l];
    if (layer.in.bias_row) {
      const int bit = layer.in.n_in;
      for (int gt = 0; gt < n * steps; ++gt) {
        masks[static_cast<std::size_t>(gt) * words + bit / 64] |= std::uint64_t(1) << (bit % 64);
      }
    }
    if (probe && probe->layer() == l && probe->inputs_only()) {
      probe->observe(begin, n, masks, words, nullptr);
      return;
    }
    w.diffs.assign(static_cast<std::size_t>(n) * steps * n_out, 0.0f);
    for (int ai = layer.first_array; ai < layer.first_array + layer.n_arrays; ++ai) {
      read_array(arrays[static_cast<std::size_t>(ai)], net_.arrays[static_cast<std::size_t>(ai)],
                 layer, chip, k, begin, n, w, tally);
    }
    if (!layer.bias_codes.empty()) {
      for (int gt = 0; gt < n * steps; ++gt) {
        float* d = w.diffs.data() + static_cast<std::size_t>(gt) * n_out;
        for (int j = 0; j < n_out; ++j) d[j] += layer.bias_codes[static_cast<std::size_t>(j)];
      }
    }
    if (probe && probe->layer() == l) {
      probe->observe(begin, n, masks, words, w.diffs.data());
      return;
    }
    // The neurons of every step; their spikes are the next layer's inputs of that step.
    const bool last = l + 1 == n_layers;
    std::uint64_t* next = last ? nullptr : w.masks.data() + w.mask_offset[l + 1];
    const int next_words = last ? 0 : words_[l + 1];
    const auto leak = static_cast<float>(in_.neuron.leak);
    w.v.resize(static_cast<std::size_t>(n_out));
    w.counts.resize(static_cast<std::size_t>(n_out));
    w.spiked.resize(static_cast<std::size_t>(n_out));
    for (int g = 0; g < n; ++g) {
      std::fill(w.v.begin(), w.v.end(), 0.0f);
      std::fill(w.counts.begin(), w.counts.end(), 0u);
      std::uint64_t spikes = 0;
      for (int t = 0; t < steps; ++t) {
        const float* d = w.diffs.data() + (static_cast<std::size_t>(g) * steps + t) * n_out;
        neuron_step(d, n_out, leak, layer.threshold, in_.neuron.reset, w.v.data(), w.counts.data(),
                    w.spiked.data());
        std::uint64_t* out_mask =
            last ? nullptr : next + (static_cast<std::size_t>(g) * steps + t) * next_words;
        for (int j = 0; j < n_out; ++j) {
          spikes += w.spiked[static_cast<std::size_t>(j)];
          if (out_mask && w.spiked[static_cast<std::size_t>(j)]) {
            out_mask[j / 64] |= std::uint64_t(1) << (j % 64);
          }
        }
      }
      tally.spikes[static_cast<std::size_t>(l)] += spikes;
      if (last) {
        const int image = begin + g;
        if (predict_class(w.counts.data(), w.v.data(), n_out) ==
            in_.labels[static_cast<std::size_t>(image)]) {
          ++tally.correct;
        }
        if (no_output_spike(w.counts.data(), n_out)) ++tally.no_spike;
      }
    }
  }
}

void NetworkRunner::read_array(const ArrayRows& m, const ArrayPlacement& a,
                               const NetworkLayer& layer, std::uint32_t chip, int k, int begin,
                               int n, Workspace& w, NetworkTally& tally) const {
  const int steps = in_.readout.timesteps, n_out = layer.in.n_out;
  const int words = words_[static_cast<std::size_t>(a.layer)];
  const bool scheme_b = in_.readout.scheme == Scheme::kB;
  const bool interleaved = in_.layout == Layout::kInterleaved;
  const bool dense = dense_first_ && a.layer == 0;
  const int span = scheme_b ? column_span(in_.layout, a) : a.outs_used;
  const std::uint32_t channel0 = scheme_b ? a.column_offset : a.output_offset;
  w.acc.resize(static_cast<std::size_t>(2 * m.row_floats + kSlack));
  w.unused.resize(static_cast<std::size_t>(m.row_floats + kSlack));
  w.codes.resize(static_cast<std::size_t>(a.cols + kSlack));
  // The normals of every step of an image, drawn in one call: step t's channels
  // [channel0, channel0 + span) start at z + z_at[t] (its lead in the first block).
  const int blocks_per_step = (3 + span + 3) / 4;
  w.blocks.resize(static_cast<std::size_t>(steps) * blocks_per_step);
  w.z_at.resize(static_cast<std::size_t>(steps));
  w.z.assign(static_cast<std::size_t>(4 * steps * blocks_per_step + kSlack), 0.0f);
  std::uint32_t n_blocks = 0;
  if (net_.noisy) {
    for (int t = 0; t < steps; ++t) {
      const std::uint32_t first = read_noise_index(k, steps, t, net_.noise_channels, channel0);
      const std::uint32_t lead = first % 4,
                          count = (lead + static_cast<std::uint32_t>(span) + 3) / 4;
      w.z_at[static_cast<std::size_t>(t)] = 4 * n_blocks + lead;
      for (std::uint32_t b = 0; b < count; ++b) w.blocks[n_blocks++] = first / 4 + b;
    }
  }
  w.list.resize(static_cast<std::size_t>(a.rows));
  float* current = w.acc.data();
  float* square = current + m.row_floats;
  std::uint64_t saturated = 0;
  for (int g = 0; g < n; ++g) {
    const int image = begin + g;
    const Stream noise =
        read_noise_stream(in_.seed, chip, in_.image_ids[static_cast<std::size_t>(image)]);
    if (dense) {
      // Analog inputs do not change between steps: the sums are the same at every step.
      w.s.assign(static_cast<std::size_t>(a.rows), 0.0f);
      const float* x = plan_.image_activations(image);
      for (int i = 0; i < a.rows_used; ++i) {
        const int row = a.row_begin + i;
        w.s[static_cast<std::size_t>(i)] = row < layer.in.n_in ? x[row] : 1.0f;  // bias row
      }
      if (net_.level_read_sigma) {  // currents from a, noise sums from b = σ_k·a
        k_.accumulate_dense(m.rows.data(), m.row_floats, w.s.data(), a.rows_used, current, nullptr);
        k_.accumulate_dense(m.noise.data(), m.row_floats, w.s.data(), a.rows_used, w.unused.data(),
                            net_.noisy ? square : nullptr);
      } else {
        k_.accumulate_dense(m.rows.data(), m.row_floats, w.s.data(), a.rows_used, current,
                            net_.noisy ? square : nullptr);
      }
    }
    if (net_.noisy) k_.normals_gather(noise, w.blocks.data(), n_blocks, w.z.data());
    for (int t = 0; t < steps; ++t) {
      if (!dense) {
        // The active rows of this array, ascending, local to it.
        const std::uint64_t* mask = w.masks.data() +
                                    w.mask_offset[static_cast<std::size_t>(a.layer)] +
                                    (static_cast<std::size_t>(g) * steps + t) * words;
        int count = 0;
        const int row_end = a.row_begin + a.rows_used;
        for (int word = a.row_begin / 64; word * 64 < row_end; ++word) {
          std::uint64_t bits = mask[word];
          const int lo = a.row_begin - word * 64, hi = row_end - word * 64;
          if (lo > 0) bits &= ~std::uint64_t(0) << lo;
          if (hi < 64) bits &= (std::uint64_t(1) << hi) - 1;
          for (; bits != 0; bits &= bits - 1) {
            w.list[static_cast<std::size_t>(count++)] =
                word * 64 + __builtin_ctzll(bits) - a.row_begin;
          }
        }
        k_.accumulate_list(m.rows.data(), net_.level_read_sigma ? m.noise.data() : m.rows.data(),
                           m.row_floats, w.list.data(), count, current,
                           net_.noisy ? square : nullptr);
      }
      const float* z = net_.noisy ? w.z.data() + w.z_at[static_cast<std::size_t>(t)] : nullptr;
      float* d = w.diffs.data() + (static_cast<std::size_t>(g) * steps + t) * n_out + a.out_begin;
      if (scheme_b) {
        const int outs = a.outs_used;
        if (interleaved) {
          saturated += k_.adc_unipolar(current, square, z, 2 * outs, round_up(2 * outs, 8),
                                       layer.rc, in_.readout.adc_bits, w.codes.data());
          for (int j = 0; j < outs; ++j) d[j] += m.gain * (w.codes[2 * j] - w.codes[2 * j + 1]);
        } else {
          const int half = a.outputs();
          saturated += k_.adc_unipolar(current, square, z, outs, round_up(outs, 8), layer.rc,
                                       in_.readout.adc_bits, w.codes.data());
          saturated += k_.adc_unipolar(current + half, square + half, z ? z + half : nullptr, outs,
                                       round_up(outs, 8), layer.rc, in_.readout.adc_bits,
                                       w.codes.data() + half);
          for (int j = 0; j < outs; ++j) d[j] += m.gain * (w.codes[j] - w.codes[half + j]);
        }
      } else {
        for (int j = 0; j < a.outs_used; ++j) {
          const int cp = array_column_pos(in_.layout, a, j),
                    cn = array_column_neg(in_.layout, a, j);
          float y = current[cp] - current[cn];
          if (z) y += read_sigma(layer.rc, square[cp] + square[cn]) * z[j];
          bool clamped;
          const float code = adc_code(y, Scheme::kA, in_.readout.adc_bits, &clamped);
          saturated += clamped ? 1u : 0u;
          d[j] += m.gain * code;
        }
      }
    }
  }
  tally.saturated[static_cast<std::size_t>(a.layer)] += saturated;
}

}  // namespace xbarmc
