// Fuzzes the model file loader (train/model_file) and its validation: the bytes are
// written to a .h5 file and opened through load_model(), as `xbarmc map` and
// `xbarmc mc --model` do. A model that loads must be usable: shapes as documented
// in model_file.hpp and levels inside the level range.
#include <cmath>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "train/model_file.hpp"

namespace {

void check_model(const xbarmc::Model& m) {
  using xbarmc::fuzz::finding;
  if (m.layers.empty()) finding("model", "loaded a model without layers");
  std::size_t n_in = static_cast<std::size_t>(m.features.n_features());
  for (const xbarmc::ModelLayer& l : m.layers) {
    const std::size_t n_out = static_cast<std::size_t>(l.n_out());
    const std::size_t rows = static_cast<std::size_t>(l.rows());
    if (n_out < 1 || static_cast<std::size_t>(l.n_in()) != n_in) {
      finding("model", "loaded layers whose shapes do not chain");
    }
    if (l.w_deployed.data.size() != n_out * n_in || l.w_quantized.data.size() != n_out * n_in ||
        l.w_float.data.size() != n_out * n_in || l.levels_pos.size() != rows * n_out ||
        l.levels_neg.size() != rows * n_out || l.g_target_s.size() != 2 * rows * n_out ||
        (!l.bias.empty() && l.bias.size() != n_out)) {
      finding("model", "loaded arrays disagree with the layer's shape");
    }
    for (std::size_t k = 0; k < l.levels_pos.size(); ++k) {
      if (l.levels_pos[k] < 0 || l.levels_pos[k] >= m.mapping.n_levels() || l.levels_neg[k] < 0 ||
          l.levels_neg[k] >= m.mapping.n_levels()) {
        finding("model", "a level outside 0..n_levels-1");
      }
    }
    for (double w : l.w_deployed.data) {
      if (!std::isfinite(w)) finding("model", "loaded a non-finite weight");
    }
    n_in = n_out;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = xbarmc::fuzz::scratch_path("model.h5");
  xbarmc::fuzz::write_scratch(path, std::string_view(reinterpret_cast<const char*>(data), size));
  xbarmc::fuzz::expect_success_or_user_error([&] { check_model(xbarmc::load_model(path)); });
  return 0;
}
