#include "engine/input_plan.hpp"

#include "common/fnv1a.hpp"
#include "xbarmc/encoding.hpp"

namespace xbarmc {
namespace {

// Continues fnv1a_words over the bytes of each part.
struct Fnv {
  std::uint64_t h = kFnvOffset;
  void bytes(const void* p, std::size_t n) { h = fnv1a_words(p, n, h); }
  template <class T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
};

}  // namespace

std::uint64_t input_fingerprint(const StudyInputs& in) {
  Fnv f;
  f.value(in.n_in);
  f.value(in.seed);
  f.value(in.readout.encoding);
  f.value(in.readout.timesteps);
  f.value(in.readout.dac_bits);
  f.bytes(in.features.data(), in.features.size() * sizeof(float));
  f.bytes(in.image_ids.data(), in.image_ids.size() * sizeof(std::uint32_t));
  return f.h;
}

void build_input_plan(const StudyInputs& in, InputPlan& plan) {
  plan.encoding = in.readout.encoding;
  plan.n_images = in.n_images();
  plan.n_in = in.n_in;
  plan.timesteps = in.readout.timesteps;
  plan.words = (in.n_in + 63) / 64;
  plan.fingerprint = input_fingerprint(in);
  const int n_images = plan.n_images, n_in = plan.n_in, steps = plan.timesteps;
  if (plan.encoding == Encoding::kDirect) {
    plan.masks.clear();
    plan.activations.resize(static_cast<std::size_t>(n_images) * n_in);
    for (std::size_t i = 0; i < plan.activations.size(); ++i) {
      plan.activations[i] = direct_level(in.features[i], in.readout.dac_bits);
    }
    return;
  }
  plan.activations.clear();
  plan.masks.assign(static_cast<std::size_t>(n_images) * steps * plan.words, 0);
#pragma omp parallel for schedule(static)
  for (int image = 0; image < n_images; ++image) {
    const float* x = in.features.data() + static_cast<std::size_t>(image) * n_in;
    for (int t = 0; t < steps; ++t) {
      std::uint64_t* mask =
          plan.masks.data() + (static_cast<std::size_t>(image) * steps + t) * plan.words;
      if (plan.encoding == Encoding::kRate) {
        // rate_spike, one Philox block per four rows: word row of the (image, t) stream.
        const Stream s = input_spike_stream(in.seed, in.image_ids[image], t);
        for (int row0 = 0; row0 < n_in; row0 += 4) {
          const U32x4 b = stream_block(s, static_cast<std::uint32_t>(row0 / 4));
          const std::uint32_t words[4] = {b.x, b.y, b.z, b.w};
          for (int q = 0; q < 4 && row0 + q < n_in; ++q) {
            const int row = row0 + q;
            if (uniform_float(words[q]) < x[row]) mask[row / 64] |= std::uint64_t(1) << (row % 64);
          }
        }
        continue;
      }
      for (int row = 0; row < n_in; ++row) {
        if (deterministic_spike(x[row], steps, t)) mask[row / 64] |= std::uint64_t(1) << (row % 64);
      }
    }
  }
}

}  // namespace xbarmc
