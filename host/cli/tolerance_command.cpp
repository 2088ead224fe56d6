// `xbarmc tolerance`: the largest value of one device parameter at which the yield at a
// spec still meets a target (DESIGN §2.9). The options are `xbarmc mc`'s (the study
// whose parameter is varied) plus the search's. `xbarmc tolerance STUDY.toml [options]`
// takes the study of a `xbarmc run` config (its model trained or reused, its [mc]
// keys, a [tolerance] section over them, the options given here over both); in
// `xbarmc run` a [tolerance] section does the same.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "mpi/study_runner.hpp"
#include "tolerance/tolerance_parameter.hpp"
#include "tolerance/tolerance_study.hpp"

namespace xbarmc::cli {
namespace {

// --range LOW,HIGH as two numbers.
void parse_range(const std::vector<std::string>& texts, study::ToleranceConfig& c) {
  std::string all;
  for (const std::string& t : texts) all += (all.empty() ? "" : ",") + t;
  double v[2] = {0.0, 0.0};
  bool ok = texts.size() == 2;
  for (std::size_t k = 0; ok && k < 2; ++k) {
    char* end = nullptr;
    v[k] = std::strtod(texts[k].c_str(), &end);
    ok = !texts[k].empty() && end == texts[k].c_str() + texts[k].size();
  }
  if (!ok) throw UserError("--range '" + all + "': give LOW,HIGH, two numbers");
  c.low = v[0];
  c.high = v[1];
}

std::string parameter_list() {
  std::string list;
  for (const std::string& n : study::tolerance_parameter_names()) {
    list += (list.empty() ? "" : ", ") + n;
  }
  return list;
}

}  // namespace

void add_tolerance_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "tolerance",
      "Tolerance: the largest value of one device parameter at which the yield at a spec "
      "still meets a target (bisection over studies on the same chips)");
  auto c = std::make_shared<study::ToleranceConfig>();
  auto times = std::make_shared<std::vector<std::string>>();
  auto range = std::make_shared<std::vector<std::string>>();
  auto study_config = std::make_shared<std::string>();
  sub->add_option("study", *study_config,
                  "a study config (xbarmc run's TOML: [train] and [mc]) whose device to vary; "
                  "then --model and --out are optional")
      ->check(CLI::ExistingFile);
  const char* g = "Search";
  sub->add_option("--vary", c->parameter, "the device parameter: " + parameter_list())->group(g);
  sub->add_option("--range", *range, "LOW,HIGH: the values searched")->delimiter(',')->group(g);
  sub->add_option("--yield-target", c->yield_target, "the yield that must still be met")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--spec", c->spec, "the yield spec (default: the first --yield-spec)")->group(g);
  sub->add_option("--resolution", c->resolution,
                  "stop when the bracket is at most this wide (0 = range/100)")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--time", c->time_s,
                  "the time after programming, s, at which yield counts (default: the last "
                  "--times)")
      ->group(g);
  sub->add_option("--scan", c->scan,
                  "evenly spaced values studied before the bisection (more studies, a surer "
                  "check that the yield falls)")
      ->group(g)
      ->capture_default_str();
  StudyOptionTexts texts;
  texts.times = "times after programming, s (comma separated) [1]; the search uses --time";
  texts.quiet = "no progress, only the curve and the answer";
  texts.resume = "continue a search that was interrupted (finished studies are reused)";
  add_study_options(sub, c->base, *times, texts);
  sub->get_option("--model")->required(false);
  sub->get_option("--out")->required(false);
  sub->add_flag("--keep-runs", c->keep_runs, "keep OUT.runs/, one mc results file per value")
      ->group("Running (never changes the results)");
  sub->callback([c, times, range, sub, study_config] {
    if (!study_config->empty()) {
      run_config_study(*study_config, "tolerance", given_options(*sub));
      return;
    }
    if (c->base.model_path.empty()) throw UserError("--model is required (or give a study config)");
    if (c->base.out_path.empty()) throw UserError("--out is required (or give a study config)");
    if (sub->count("--range") == 0) throw UserError("--range is required: LOW,HIGH");
    parse_range(*range, *c);
    if (sub->count("--times") > 0) c->base.times_s = parse_times(*times);
    study::run_study_command([&] {
      const study::ToleranceResult r = study::run_tolerance_study(*c);
      study::print_tolerance(r, stdout);
      std::printf("wrote %s\n", c->base.out_path.c_str());
    });
  });
}

}  // namespace xbarmc::cli
