// `xbarmc drift`: a drift-over-time report (DESIGN §2.6). The options are `xbarmc mc`'s
// (same names, same TOML keys) except that --times defaults to the log grid 1 s … 10 y
// and both compensation modes always run.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "study/drift_study.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::cli {

void add_drift_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "drift",
      "Drift report: the same chips over a log time grid, without and with global "
      "drift compensation");
  auto c = std::make_shared<study::McConfig>();
  c->times_s = study::default_drift_times();
  sub->add_option("--model", c->model_path, "model file from xbarmc train")->required();
  sub->add_option("--data-dir", c->data_dir, "folder with the four IDX files")
      ->capture_default_str();
  sub->add_option("--chips", c->chips, "number of chip instances")->capture_default_str();
  sub->add_option("--split", c->split, "data split: val or test")->capture_default_str();
  sub->add_option("--images", c->images, "first K images of the split (0 = all)")
      ->capture_default_str();
  auto times = std::make_shared<std::vector<std::string>>();
  sub->add_option("--times", *times,
                  "times after programming, s (comma separated) [1 s, 1 h, 1 d, 30 d, 1 y, 10 y]")
      ->delimiter(',');
  sub->add_option("--seed", c->seed, "seed of every random stream")->capture_default_str();
  sub->add_option("--yield-spec", c->yield_specs,
                  "yield thresholds: accuracies (0.75) or float-1pp, mapped-1pp, nominal-1pp")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--out", c->out_path, "results file (HDF5)")->required();
  add_device_options(sub, c->device);
  add_readout_options(sub, *c);
  const char* g = "Running (never changes the results)";
  sub->add_option("--threads", c->threads, "CPU threads (0 = all)")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--backend", c->backend, "auto, cpu or cuda")->group(g)->capture_default_str();
  sub->add_option("--batch", c->batch_chips, "chips per batch written to the file (0 = adaptive)")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--progress-interval", c->progress_interval_s,
                  "seconds between progress lines when stderr is not a terminal")
      ->group(g)
      ->capture_default_str();
  sub->add_flag("--quiet", c->quiet, "no progress, only the drift table")->group(g);
  sub->add_flag("--resume", c->resume, "continue a drift study that was interrupted")->group(g);
  sub->add_option("--stop-after-batches", c->stop_after_batches,
                  "testing: stop as if interrupted after N batches")
      ->group("");
  sub->callback([c, times, sub] {
    if (sub->count("--drift-compensation") > 0) {
      throw UserError(
          "--drift-compensation: xbarmc drift always runs both modes (without and with)");
    }
    if (sub->count("--times") > 0) c->times_s = parse_times(*times);
    const study::DriftOutcome o = study::run_drift_study(*c);
    study::print_drift_table(o, stdout);
    std::printf("wrote %s\n", c->out_path.c_str());
  });
}

}  // namespace xbarmc::cli
