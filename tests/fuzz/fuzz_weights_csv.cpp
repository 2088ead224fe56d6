// Fuzzes the weights CSV reader (io/csv_matrix) twice: in memory, checking what a
// parsed matrix promises and that %.17g text reads back to the same doubles, and end
// to end as `xbarmc map --weights W.csv --out map.csv` (reader, mapping, writers).
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "fuzz_support.hpp"
#include "io/csv_matrix.hpp"

namespace {

void check_parsed(const xbarmc::MatrixD& m) {
  using xbarmc::fuzz::finding;
  if (m.rows < 1 || m.cols < 1) finding("csv", "parsed an empty matrix");
  if (m.data.size() != static_cast<std::size_t>(m.rows) * static_cast<std::size_t>(m.cols)) {
    finding("csv", "data size differs from rows x cols");
  }
  std::string text;
  char buf[40];
  for (int r = 0; r < m.rows; ++r) {
    for (int c = 0; c < m.cols; ++c) {
      if (!std::isfinite(m(r, c))) finding("csv", "a parsed value is not finite");
      std::snprintf(buf, sizeof buf, c == 0 ? "%.17g" : ",%.17g", m(r, c));
      text += buf;
    }
    text += '\n';
  }
  const xbarmc::MatrixD back = xbarmc::parse_csv_matrix(text, "round trip");
  if (back.rows != m.rows || back.cols != m.cols || back.data != m.data) {
    finding("csv", "%.17g text does not read back to the same matrix");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  xbarmc::fuzz::expect_success_or_user_error(
      [&] { check_parsed(xbarmc::parse_csv_matrix(text, "fuzz.csv")); });

  static const std::string weights = xbarmc::fuzz::scratch_path("weights.csv");
  static const std::string out = xbarmc::fuzz::scratch_path("map.csv");
  xbarmc::fuzz::write_scratch(weights, text);
  xbarmc::fuzz::run_cli(xbarmc::cli::add_map_command, {"map", "--weights", weights, "--out", out});
  return 0;
}
