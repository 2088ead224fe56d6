// Subcommands of the xbarmc binary. Each lives in its own file under host/cli/ and
// adds itself to the application; options bind to a plain struct that the command
// hands to the library code. Every subcommand accepts --config FILE.toml, whose keys
// are the long option names without dashes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace xbarmc {
struct DeviceParams;
namespace study {
struct McConfig;
}
}  // namespace xbarmc

namespace xbarmc::cli {

// The subcommand named on the command line ("" if none).
std::string find_subcommand_name(const CLI::App& app, int argc, const char* const* argv);
// Adds --config FILE.toml to the application; top-level keys of the file belong to
// `subcommand`, [section] keys to the subcommand of that name.
void add_config_option(CLI::App& app, const std::string& subcommand);

void add_bench_command(CLI::App& app);
void add_budget_command(CLI::App& app);
void add_crossbar_command(CLI::App& app);
void add_drift_command(CLI::App& app);
void add_import_command(CLI::App& app);
void add_map_command(CLI::App& app);
void add_mc_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_tolerance_command(CLI::App& app);
void add_train_command(CLI::App& app);

// `xbarmc budget STUDY.toml …`, `xbarmc tolerance STUDY.toml …`: the study of a
// `xbarmc run` config (its model trained or reused, its [mc] keys) run by `command`,
// with the config's [<command>] section and then `overrides` (the options given on
// the command line) overriding [mc]. Without an out, the file goes beside [mc]'s out.
void run_config_study(const std::string& config, const std::string& command,
                      const std::vector<CLI::ConfigItem>& overrides);
// The options given to `sub` (on its command line or in its --config file), as config
// items; a flag as "true" or "false".
std::vector<CLI::ConfigItem> given_options(const CLI::App& sub);

// An option whose value is one of `names`, stored as the matching enum value. An
// unknown name is a one-line error naming it and the valid ones.
template <class E>
CLI::Option* add_enum_option(CLI::App* sub, const std::string& name, E& target,
                             std::vector<std::pair<std::string, E>> names,
                             const std::string& help) {
  std::string list, current;
  for (const auto& [text, value] : names) {
    list += (list.empty() ? "" : ", ") + text;
    if (value == target) current = text;
  }
  CLI::Option* opt = sub->add_option_function<std::string>(
      name,
      [&target, names, name, list](const std::string& v) {
        for (const auto& [text, value] : names) {
          if (text == v) {
            target = value;
            return;
          }
        }
        throw CLI::ValidationError(name, "'" + v + "': expected one of " + list);
      },
      help);
  opt->type_name("NAME")->default_str(current);
  return opt;
}

// The check of every option of unsigned type (chips, chip indices, seeds, batch sizes):
// CLI11 reads "-1" into an unsigned integer as 2^64 − 1, so the sign is refused here,
// naming the value as given.
CLI::Validator non_negative_integer();

// The chip-model options shared by the study commands (mc, drift, sweep; defined in
// mc_command.cpp): device (DESIGN 2.4), readout and neurons (2.5), and --times values.
void add_device_options(CLI::App* sub, DeviceParams& d);
void add_readout_options(CLI::App* sub, study::McConfig& c);
// Measured devices and programming (DESIGN 2.8): --device-table, --verify-tolerance,
// --verify-max-pulses.
void add_programming_options(CLI::App* sub, study::McConfig& c);
// --chips-from / --chips-to: the shard [A, B) of the study's global chip indices (DESIGN §6).
void add_chip_range_options(CLI::App* sub, study::McConfig& c);
std::vector<double> parse_times(const std::vector<std::string>& texts);
// The options `xbarmc mc` and `xbarmc drift` share (model, data, chips, chip range, split, images,
// --times into `times`, seed, yield specs, output, physics, readout, running options);
// the texts are the ones that differ between the two commands.
struct StudyOptionTexts {
  std::string times, quiet, resume;
};
void add_study_options(CLI::App* sub, study::McConfig& c, std::vector<std::string>& times,
                       const StudyOptionTexts& texts);

}  // namespace xbarmc::cli
