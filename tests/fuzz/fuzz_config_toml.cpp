// Fuzzes --config FILE.toml through the path the binary takes: an application with
// every subcommand, add_config_option() for the subcommand being run, CLI11's TOML
// parser and then every option's conversion and check. Byte 0 picks the subcommand;
// the rest is the file. The commands' callbacks are cleared: only the configuration
// is read, no study is run.
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char* const kSubcommands[] = {"map", "mc", "train", "run", "crossbar"};
  const std::string sub = kSubcommands[data[0] % 5];
  static const std::string path = xbarmc::fuzz::scratch_path("config.toml");
  xbarmc::fuzz::write_scratch(path,
                              std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));

  CLI::App app;
  app.require_subcommand(1);
  xbarmc::cli::add_crossbar_command(app);
  xbarmc::cli::add_map_command(app);
  xbarmc::cli::add_mc_command(app);
  xbarmc::cli::add_run_command(app);
  xbarmc::cli::add_train_command(app);
  std::vector<const char*> argv = {"xbarmc", sub.c_str(), "--config", path.c_str()};
  xbarmc::cli::add_config_option(app, xbarmc::cli::find_subcommand_name(
                                          app, static_cast<int>(argv.size()), argv.data()));
  for (CLI::App* s : app.get_subcommands({})) {
    s->fallthrough();
    s->callback(nullptr);
    for (CLI::App* nested : s->get_subcommands({})) nested->callback(nullptr);
  }
  xbarmc::fuzz::expect_success_or_user_error([&] {
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      throw xbarmc::UserError(e.what());  // main(): "xbarmc: error: ...", exit 2
    }
  });
  return 0;
}
