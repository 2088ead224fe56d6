// Fuzzes the .npz reader (io/npz over libzip, each member through parse_npy_array) and
// the import's reading of its arrays w0, w1, ..., b0, b1, ... (train/import_network),
// then the layer checks of make_imported_model against 64 avg_8x8 inputs: what
// `xbarmc import --weights net.npz` does before it reads any images.
#include <cmath>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "train/import_network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using xbarmc::fuzz::finding;
  static const std::string path = xbarmc::fuzz::scratch_path("net.npz");
  xbarmc::fuzz::write_scratch(path, std::string_view(reinterpret_cast<const char*>(data), size));
  xbarmc::fuzz::expect_success_or_user_error([&] {
    std::vector<xbarmc::ImportedLayer> layers = xbarmc::read_imported_layers({path}, {});
    if (layers.empty()) finding("npz", "read no layer");
    for (const xbarmc::ImportedLayer& l : layers) {
      const xbarmc::MatrixD& w = l.weights.w;
      if (w.rows < 1 || w.cols < 1 || w.data.size() != static_cast<std::size_t>(w.rows) * w.cols) {
        finding("npz", "a weight matrix of the wrong size");
      }
      for (double x : w.data) {
        if (!std::isfinite(x)) finding("npz", "a weight is not finite");
      }
    }
    const xbarmc::FeatureSpec spec =
        xbarmc::imported_feature_spec(xbarmc::FeatureMethod::kAvg8x8, 28, 28);
    const xbarmc::Model m =
        xbarmc::make_imported_model(std::move(layers), spec, {}, xbarmc::BiasMode::kRow);
    if (m.n_in() != 64) finding("npz", "imported a network that does not take 64 inputs");
  });
  return 0;
}
