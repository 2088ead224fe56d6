// Fuzzes the crossbar G/R/V CSV inputs end to end, as
//   xbarmc crossbar solve --conductances|--resistances M.csv --voltages V.csv
//                         --model none|first_order|nodal --r-wl R --r-bl R --out I.csv
// Input layout: byte 0 picks the options (bit 0: resistances, bits 1-2: model,
// bits 3-4: wire resistance 0, 1, 1e-3 or 1e3 ohm); the rest is the matrix file,
// a line "---", then the voltage file.
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned options = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = rest.find("\n---\n");
  const std::string_view matrix = rest.substr(0, cut);
  const std::string_view voltages =
      cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 5);

  static const std::string m_path = xbarmc::fuzz::scratch_path("matrix.csv");
  static const std::string v_path = xbarmc::fuzz::scratch_path("voltages.csv");
  static const std::string out = xbarmc::fuzz::scratch_path("currents.csv");
  xbarmc::fuzz::write_scratch(m_path, matrix);
  xbarmc::fuzz::write_scratch(v_path, voltages);

  static const char* const kModels[] = {"none", "first_order", "nodal", "nodal"};
  static const char* const kWires[] = {"0", "1", "1e-3", "1e3"};
  const char* wire = kWires[(options >> 3) & 3];
  xbarmc::fuzz::run_cli(xbarmc::cli::add_crossbar_command,
                        {"crossbar", "solve", (options & 1) ? "--resistances" : "--conductances",
                         m_path, "--voltages", v_path, "--model", kModels[(options >> 1) & 3],
                         "--r-wl", wire, "--r-bl", wire, "--out", out});
  return 0;
}
