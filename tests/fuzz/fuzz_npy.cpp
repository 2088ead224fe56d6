// Fuzzes the .npy reader (io/npy): header grammar, version, dtype, shape and data
// size in memory, then end to end as `xbarmc map --weights W.npy --out map.csv`.
#include <cmath>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "fuzz_support.hpp"
#include "io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using xbarmc::fuzz::finding;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  xbarmc::fuzz::expect_success_or_user_error([&] {
    const xbarmc::MatrixD m = xbarmc::parse_npy_matrix(bytes, "fuzz.npy");
    if (m.rows < 1 || m.cols < 1) finding("npy", "parsed an empty matrix");
    // Every value comes from the file: 4 or 8 bytes each after the header.
    if (m.data.size() != static_cast<std::size_t>(m.rows) * static_cast<std::size_t>(m.cols) ||
        m.data.size() * 4 > size) {
      finding("npy", "matrix size does not match the file");
    }
    for (double x : m.data) {
      if (!std::isfinite(x)) finding("npy", "a parsed value is not finite");
    }
  });

  static const std::string weights = xbarmc::fuzz::scratch_path("weights.npy");
  static const std::string out = xbarmc::fuzz::scratch_path("map.csv");
  xbarmc::fuzz::write_scratch(weights, bytes);
  xbarmc::fuzz::run_cli(xbarmc::cli::add_map_command, {"map", "--weights", weights, "--out", out});
  return 0;
}
