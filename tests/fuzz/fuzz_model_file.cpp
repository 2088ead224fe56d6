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
  const std::size_t n_out = static_cast<std::size_t>(m.n_out());
  const std::size_t n_in = static_cast<std::size_t>(m.n_in());
  if (n_out < 1 || n_in != static_cast<std::size_t>(xbarmc::kNumFeatures)) {
    finding("model", "loaded a model of the wrong size");
  }
  if (m.w_deployed.data.size() != n_out * n_in || m.w_quantized.data.size() != n_out * n_in ||
      m.levels_pos.size() != n_in * n_out || m.levels_neg.size() != n_in * n_out ||
      m.g_target_s.size() != 2 * n_in * n_out) {
    finding("model", "loaded arrays disagree with n_out x n_in");
  }
  for (std::size_t k = 0; k < m.levels_pos.size(); ++k) {
    if (m.levels_pos[k] < 0 || m.levels_pos[k] >= m.mapping.n_levels() || m.levels_neg[k] < 0 ||
        m.levels_neg[k] >= m.mapping.n_levels()) {
      finding("model", "a level outside 0..n_levels-1");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = xbarmc::fuzz::scratch_path("model.h5");
  xbarmc::fuzz::write_scratch(path, std::string_view(reinterpret_cast<const char*>(data), size));
  xbarmc::fuzz::expect_success_or_user_error([&] { check_model(xbarmc::load_model(path)); });
  return 0;
}
