#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace xbarmc::cli {
namespace {

// TOML reader that files top-level keys under the subcommand being run, so that
// `xbarmc mc --config study.toml` accepts flat keys (`chips = 1000`) while
// sectioned files (`[mc]`, `[train]`) work for every command.
class SubcommandToml : public CLI::ConfigTOML {
 public:
  explicit SubcommandToml(std::string section) : section_(std::move(section)) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> parsed = CLI::ConfigTOML::from_config(input);
    if (section_.empty()) return parsed;
    for (auto& item : parsed) {
      if (item.parents.empty() && item.name != "++" && item.name != "--") {
        item.parents = {section_};
      }
    }
    return parsed;
  }

 private:
  std::string section_;
};

}  // namespace

std::string find_subcommand_name(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == arg) return arg;
    }
  }
  return {};
}

void add_config_option(CLI::App& app, const std::string& subcommand) {
  app.set_config("--config", "", "TOML file: keys are the long option names of the command")
      ->check(CLI::ExistingFile);
  app.config_formatter(std::make_shared<SubcommandToml>(subcommand));
  app.allow_config_extras(CLI::config_extras_mode::error);
}

}  // namespace xbarmc::cli
