// `xbarmc budget`: the accuracy budget of a study's device (DESIGN §2.9). The options
// are `xbarmc mc`'s (same names, same TOML keys: the study whose device is broken down)
// plus --keep-runs. `xbarmc budget STUDY.toml [options]` takes the study of a
// `xbarmc run` config (its model trained or reused, its [mc] keys, a [budget] section
// over them, the options given here over both); in `xbarmc run` a [budget] section
// does the same. Under mpirun rank 0 runs it and every rank computes chips of every
// study (mpi/study_runner.hpp).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "budget/budget_study.hpp"
#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "mpi/study_runner.hpp"

namespace xbarmc::cli {

void add_budget_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "budget",
      "Accuracy budget: what quantisation, spiking, the ADC and each device non-ideality "
      "cost, alone and together, on the same chips");
  auto c = std::make_shared<study::BudgetConfig>();
  auto times = std::make_shared<std::vector<std::string>>();
  auto study_config = std::make_shared<std::string>();
  sub->add_option("study", *study_config,
                  "a study config (xbarmc run's TOML: [train] and [mc]) whose study to break "
                  "down; then --model and --out are optional")
      ->check(CLI::ExistingFile);
  StudyOptionTexts texts;
  texts.times = "times after programming, s (comma separated) [1]";
  texts.quiet = "no progress, only the budget table";
  texts.resume = "continue a budget that was interrupted (finished studies are reused)";
  add_study_options(sub, c->base, *times, texts);
  sub->get_option("--model")->required(false);
  sub->get_option("--out")->required(false);
  sub->add_flag("--keep-runs", c->keep_runs, "keep OUT.runs/, one mc results file per study")
      ->group("Running (never changes the results)");
  sub->callback([c, times, sub, study_config] {
    if (!study_config->empty()) {
      run_config_study(*study_config, "budget", given_options(*sub));
      return;
    }
    if (c->base.model_path.empty()) throw UserError("--model is required (or give a study config)");
    if (c->base.out_path.empty()) throw UserError("--out is required (or give a study config)");
    if (sub->count("--times") > 0) c->base.times_s = parse_times(*times);
    study::run_study_command([&] {
      const study::BudgetResult r = study::run_budget_study(*c);
      study::print_budget_table(r, stdout);
      std::printf("wrote %s\n", c->base.out_path.c_str());
    });
  });
}

}  // namespace xbarmc::cli
