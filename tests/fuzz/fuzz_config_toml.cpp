// Fuzzes --config FILE.toml through the path the binary takes: an application with
// every subcommand, add_config_option() for the subcommand being run, CLI11's TOML
// parser and then every option's conversion and check. Byte 0 picks the subcommand;
// the rest is the file. The commands' callbacks are taken out: only the
// configuration is read, no study is run.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "fuzz_support.hpp"

namespace {

// A command's callback owns the struct its options write into (a shared_ptr captured
// by the lambda), so it cannot simply be cleared: it is moved out, kept alive until
// parsing ends, and never called. CLI::App has no getter; a derived class may name
// the protected member.
struct CallbackAccess : CLI::App {
  static std::function<void()>& of(CLI::App* app) {
    return app->*(&CallbackAccess::final_callback_);
  }
};

void take_callbacks(CLI::App* app, std::vector<std::function<void()>>& kept) {
  for (CLI::App* sub : app->get_subcommands({})) {
    kept.push_back(std::move(CallbackAccess::of(sub)));
    CallbackAccess::of(sub) = nullptr;
    take_callbacks(sub, kept);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char* const kSubcommands[] = {"map", "mc", "train", "run", "crossbar", "import"};
  const std::string sub = kSubcommands[data[0] % 6];
  static const std::string path = xbarmc::fuzz::scratch_path("config.toml");
  xbarmc::fuzz::write_scratch(path,
                              std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));

  std::vector<std::function<void()>> kept;  // outlives `app`: its options point into them
  CLI::App app;
  app.require_subcommand(1);
  xbarmc::cli::add_crossbar_command(app);
  xbarmc::cli::add_import_command(app);
  xbarmc::cli::add_map_command(app);
  xbarmc::cli::add_mc_command(app);
  xbarmc::cli::add_run_command(app);
  xbarmc::cli::add_train_command(app);
  std::vector<const char*> argv = {"xbarmc", sub.c_str(), "--config", path.c_str()};
  xbarmc::cli::add_config_option(
      app, xbarmc::cli::find_subcommand_name(app, static_cast<int>(argv.size()), argv.data()));
  for (CLI::App* s : app.get_subcommands({})) s->fallthrough();
  take_callbacks(&app, kept);
  xbarmc::fuzz::expect_success_or_user_error([&] {
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      throw xbarmc::UserError(e.what());  // main(): "xbarmc: error: ...", exit 2
    }
  });
  return 0;
}
