// `xbarmc drift`: a drift-over-time report (DESIGN §2.6). The options are `xbarmc mc`'s
// (same names, same TOML keys) except that --times defaults to the log grid 1 s … 10 y
// and both compensation modes always run. Under mpirun rank 0 runs it and every rank
// computes chips of both modes (mpi/study_runner.hpp).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "drift/drift_study.hpp"
#include "mpi/study_runner.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::cli {

void add_drift_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "drift",
      "Drift report: the same chips over a log time grid, without and with global "
      "drift compensation");
  auto c = std::make_shared<study::McConfig>();
  c->times_s = study::default_drift_times();
  auto times = std::make_shared<std::vector<std::string>>();
  StudyOptionTexts texts;
  texts.times = "times after programming, s (comma separated) [1 s, 1 h, 1 d, 30 d, 1 y, 10 y]";
  texts.quiet = "no progress, only the drift table";
  texts.resume = "continue a drift study that was interrupted";
  add_study_options(sub, *c, *times, texts);
  sub->callback([c, times, sub] {
    if (sub->count("--drift-compensation") > 0) {
      throw UserError(
          "--drift-compensation: xbarmc drift always runs both modes (without and with)");
    }
    if (sub->count("--times") > 0) c->times_s = parse_times(*times);
    study::run_study_command([&] {
      const study::DriftOutcome o = study::run_drift_study(*c);
      study::print_drift_table(o, stdout);
      std::printf("wrote %s\n", c->out_path.c_str());
    });
  });
}

}  // namespace xbarmc::cli
