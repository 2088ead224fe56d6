// `xbarmc run CONFIG`: a whole study from one TOML file (DESIGN §3). `include` lists
// preset files read first (device presets in configs/). [train] holds
// `xbarmc train` keys, its `out` the model cache: trained when missing, reused when
// the cached model was trained with the same [train] keys. [mc] holds `xbarmc mc`
// keys; its model defaults to the cache. A [drift], [budget] or [tolerance] section
// runs that command on the [mc] study instead, its keys overriding [mc]'s; a [sweep]
// section alone runs `xbarmc sweep`, which trains its own models. All run through
// their own commands' option parsers, so a key means exactly what the option means.
// `xbarmc budget STUDY.toml` and `xbarmc tolerance STUDY.toml` are the same path with
// the command fixed and their command line's options overriding every section.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "engine/validate.hpp"
#include "mpi/study_runner.hpp"
#include "train/model_cache.hpp"

namespace xbarmc::cli {
namespace {

struct RunArgs {
  std::string config;
  bool quiet = false;
  bool resume = false;
  bool retrain = false;
  std::string threads;  // empty: not given (then [mc] threads applies)
  std::string backend;
  // run_config_study: the command to run on the study ("" = as the sections say) and
  // the options of its command line, which override every section.
  std::string command;
  std::vector<CLI::ConfigItem> overrides;
};

using Section = std::vector<CLI::ConfigItem>;

struct Sections {
  Section train, mc, drift, budget, tolerance, sweep;
};

// Adds `item` to `section`, replacing an earlier key of the same name.
void put(Section& section, const CLI::ConfigItem& item) {
  for (CLI::ConfigItem& old : section) {
    if (old.name == item.name) {
      old = item;
      return;
    }
  }
  section.push_back(item);
}

// The [train], [mc], [drift] and [sweep] sections of `path`. A top-level
// `include = ["preset.toml"]` (paths relative to the including file) reads presets
// first; the file's own keys override theirs. Any other key is an error naming it.
void read_sections(const std::string& path, Sections* sections, int depth = 0) {
  if (depth > 4) throw UserError(path + ": includes nested too deeply");
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    throw UserError(path + ": " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.parents.empty() && item.name == "include") {
      for (const std::string& inc : item.inputs) {
        const std::filesystem::path p = std::filesystem::path(path).parent_path() / inc;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec)) {
          throw UserError(path + ": include '" + inc + "': no such file " + p.string());
        }
        read_sections(p.string(), sections, depth + 1);
      }
    }
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (item.parents.empty() && item.name == "include") continue;
    const std::string section = item.parents.size() == 1 ? item.parents.front() : "";
    if (section == "train") {
      put(sections->train, item);
    } else if (section == "mc") {
      put(sections->mc, item);
    } else if (section == "drift") {
      put(sections->drift, item);
    } else if (section == "budget") {
      put(sections->budget, item);
    } else if (section == "tolerance") {
      put(sections->tolerance, item);
    } else if (section == "sweep") {
      put(sections->sweep, item);
    } else {
      throw UserError(path + ": key '" + item.fullname() +
                      "' is outside the [train], [mc], [drift], [budget], [tolerance] and "
                      "[sweep] sections");
    }
  }
}

const CLI::ConfigItem* find_key(const Section& s, const std::string& name) {
  for (const CLI::ConfigItem& item : s) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// Command-line words for a section: "--name=value" or "--name v1 v2 …".
std::vector<std::string> to_args(const Section& s, const std::vector<std::string>& skip) {
  std::vector<std::string> args;
  for (const CLI::ConfigItem& item : s) {
    if (std::find(skip.begin(), skip.end(), item.name) != skip.end()) continue;
    if (item.inputs.size() == 1) {
      args.push_back("--" + item.name + "=" + item.inputs.front());
    } else {
      args.push_back("--" + item.name);
      args.insert(args.end(), item.inputs.begin(), item.inputs.end());
    }
  }
  return args;
}

// A fresh application with one command, run on `args` as if typed after "xbarmc".
void run_command(void (*add)(CLI::App&), const std::vector<std::string>& args,
                 const std::string& where) {
  CLI::App app;
  app.require_subcommand(1);
  add(app);
  std::vector<const char*> argv = {"xbarmc"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    throw UserError(where + ": " + e.what());
  }
}

// The cache key: the [train] keys in name order, one "name = values" line each.
std::string train_key(const Section& train) {
  std::vector<std::string> lines;
  for (const CLI::ConfigItem& item : train) {
    if (item.name == "quiet") continue;
    std::string line = item.name + " =";
    for (const std::string& v : item.inputs) line += " " + v;
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string key;
  for (const std::string& l : lines) key += l + "\n";
  return key;
}

// Runs `command` on `section`'s keys, the run's own options taking precedence.
void run_section(void (*add)(CLI::App&), const char* command, const Section& section,
                 const RunArgs& a, std::vector<std::string> args) {
  std::error_code ec;
  if (const CLI::ConfigItem* out_key = find_key(section, "out")) {
    if (out_key->inputs.size() == 1) {
      const auto parent = std::filesystem::path(out_key->inputs.front()).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    }
  }
  std::vector<std::string> skip = {"quiet", "resume"};
  args.insert(args.begin(), command);
  if (!a.threads.empty()) {  // checked by the command, as if given to it
    skip.push_back("threads");
    args.push_back("--threads=" + a.threads);
  }
  if (!a.backend.empty()) {
    skip.push_back("backend");
    args.push_back("--backend=" + a.backend);
  }
  const CLI::ConfigItem* quiet = find_key(section, "quiet");
  if (a.quiet || (quiet && quiet->inputs == std::vector<std::string>{"true"})) {
    args.push_back("--quiet");
  }
  if (a.resume) args.push_back("--resume");
  const std::vector<std::string> more = to_args(section, skip);
  args.insert(args.end(), more.begin(), more.end());
  std::fflush(stdout);
  run_command(add, args, a.config + " [" + command + "]");
}

// The command a run config's study goes to, and its section of the config (may be null).
struct StudyCommand {
  const char* name;
  void (*add)(CLI::App&);
  const Section* section;
};

StudyCommand choose_command(const RunArgs& a, const Sections& s) {
  const StudyCommand commands[] = {{"drift", add_drift_command, &s.drift},
                                   {"budget", add_budget_command, &s.budget},
                                   {"tolerance", add_tolerance_command, &s.tolerance}};
  if (!a.command.empty()) {
    for (const StudyCommand& c : commands) {
      if (a.command == c.name) return c;
    }
    throw InternalError("run_config_study: no command " + a.command);
  }
  const StudyCommand* chosen = nullptr;
  for (const StudyCommand& c : commands) {
    if (c.section->empty()) continue;
    if (chosen) {
      throw UserError(a.config + ": [" + chosen->name + "] and [" + c.name +
                      "] each name the study's command; give one of them");
    }
    chosen = &c;
  }
  return chosen ? *chosen : StudyCommand{"mc", add_mc_command, nullptr};
}

// A budget or tolerance run on a study config writes beside the study's own results:
// <folder of [mc] out>/budget.h5 or tolerance-<vary>.h5, unless an out is given.
void set_default_out(const StudyCommand& chosen, const RunArgs& a, Section* mc) {
  const std::string name = chosen.name;
  if (name != "budget" && name != "tolerance") return;
  if ((chosen.section && find_key(*chosen.section, "out")) || find_key(a.overrides, "out")) return;
  std::filesystem::path folder;
  const CLI::ConfigItem* study_out = find_key(*mc, "out");  // [mc]'s own
  if (study_out && study_out->inputs.size() == 1) {
    folder = std::filesystem::path(study_out->inputs.front()).parent_path();
  }
  std::string file = "budget.h5";
  if (name == "tolerance") {
    const CLI::ConfigItem* vary = find_key(*mc, "vary");
    file = "tolerance-" + (vary && vary->inputs.size() == 1 ? vary->inputs.front() : "") + ".h5";
  }
  CLI::ConfigItem item;
  item.name = "out";
  item.inputs = {(folder / file).string()};
  put(*mc, item);
}

void run_study(const RunArgs& a) {
  if (!a.threads.empty()) {  // before any training
    char* end = nullptr;
    const long n = std::strtol(a.threads.c_str(), &end, 10);
    if (end != a.threads.c_str() + a.threads.size() || n < 0 || n > kMaxThreads) {
      throw UserError("--threads " + a.threads + ": must be a whole number in [0, " +
                      std::to_string(kMaxThreads) + "] (0 = all)");
    }
  }
  Sections sections;
  read_sections(a.config, &sections);
  const Section& train = sections.train;
  if (!sections.sweep.empty()) {
    if (!train.empty() || !sections.drift.empty() || !sections.budget.empty() ||
        !sections.tolerance.empty() || !a.command.empty()) {
      throw UserError(a.config +
                      ": [sweep] trains its own models; it goes without [train], [drift], "
                      "[budget] and [tolerance]" +
                      (a.command.empty() ? "" : ", and is not a study for xbarmc " + a.command));
    }
    Section sweep = sections.mc;  // device preset keys, overridden by [sweep]
    for (const CLI::ConfigItem& item : sections.sweep) put(sweep, item);
    run_section(add_sweep_command, "sweep", sweep, a, {});
    return;
  }
  const StudyCommand chosen = choose_command(a, sections);
  // The command's section takes the [mc] keys (e.g. a device preset's) and overrides
  // them; the options of a budget's or tolerance's own command line override both.
  Section mc = sections.mc;
  if (chosen.section) {
    for (const CLI::ConfigItem& item : *chosen.section) put(mc, item);
  }
  for (const CLI::ConfigItem& item : a.overrides) put(mc, item);
  const CLI::ConfigItem* out = find_key(train, "out");
  if (!out || out->inputs.size() != 1 || out->inputs.front().empty()) {
    throw UserError(a.config + ": [train] needs out = \"<model cache path>\"");
  }
  const std::string model = out->inputs.front();
  if (mc.empty()) {
    throw UserError(a.config + ": no [mc], [drift], [budget], [tolerance] or [sweep] section");
  }
  set_default_out(chosen, a, &mc);

  // Train unless the cache holds a model trained with these very [train] keys.
  const std::string key = train_key(train);
  std::error_code ec;
  if (!a.retrain && model_cache_matches(model, key)) {
    if (!a.quiet)
      std::printf("reusing %s (trained with the same [train] settings)\n", model.c_str());
  } else {
    const auto parent = std::filesystem::path(model).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::vector<std::string> args = {"train"};
    const std::vector<std::string> more = to_args(train, {"quiet"});
    args.insert(args.end(), more.begin(), more.end());
    if (a.quiet) args.push_back("--quiet");
    if (!a.quiet) std::printf("training %s\n", model.c_str());
    std::fflush(stdout);
    run_command(add_train_command, args, a.config + " [train]");
    record_model_cache_key(model, key);
  }

  // The study, with the run's own options taking precedence over the sections.
  std::vector<std::string> model_arg;
  if (!find_key(mc, "model")) model_arg.push_back("--model=" + model);
  run_section(chosen.add, chosen.name, mc, a, model_arg);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "run",
      "Run a whole study from one config: train (or reuse the cached model), then mc, "
      "drift, budget or tolerance; or a sweep");
  auto a = std::make_shared<RunArgs>();
  sub->add_option("config", a->config,
                  "TOML file: [train] and [mc], and [drift], [budget] or [tolerance]; or [sweep]")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_flag("--quiet", a->quiet, "no progress output");
  sub->add_flag("--resume", a->resume, "continue the study's interrupted results file");
  sub->add_flag("--retrain", a->retrain, "train even when the cached model matches");
  sub->add_option("--threads", a->threads, "CPU threads (overrides [mc] threads)")
      ->type_name("INT");
  sub->add_option("--backend", a->backend, "auto, cpu or cuda (overrides [mc] backend)");
  // Under mpirun: rank 0 trains and writes, the other ranks serve its studies.
  sub->callback([a] { study::run_study_command([&] { run_study(*a); }); });
}

}  // namespace xbarmc::cli

namespace xbarmc::cli {

std::vector<CLI::ConfigItem> given_options(const CLI::App& sub) {
  std::vector<CLI::ConfigItem> given;
  for (const CLI::Option* opt : sub.get_options()) {
    if (opt->count() == 0 || !opt->nonpositional() || opt->get_single_name() == "help") continue;
    CLI::ConfigItem item;
    item.name = opt->get_single_name();
    if (opt->get_items_expected_max() == 0) {
      item.inputs = {opt->as<bool>() ? "true" : "false"};  // a flag
    } else {
      item.inputs = opt->results();
    }
    given.push_back(item);
  }
  return given;
}

void run_config_study(const std::string& config, const std::string& command,
                      const std::vector<CLI::ConfigItem>& overrides) {
  RunArgs a;
  a.config = config;
  a.command = command;
  for (const CLI::ConfigItem& item : overrides) {
    const bool on = item.inputs == std::vector<std::string>{"true"};
    if (item.name == "quiet") {
      a.quiet = on;
    } else if (item.name == "resume") {
      a.resume = on;
    } else {
      a.overrides.push_back(item);
    }
  }
  study::run_study_command([&] { run_study(a); });
}

}  // namespace xbarmc::cli
