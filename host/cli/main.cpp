// xbarmc: one binary, one subcommand per task (DESIGN §3). Exit status 0 on success,
// 2 on bad input (one line naming the bad value or file), 1 on internal failure.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "xbarmc/build_info.hpp"

namespace {

std::string version_text() {
  return std::string("xbarmc ") + xbarmc::build_info::kVersion + " (" +
         xbarmc::build_info::kGitDescribe + "), CUDA support " +
         (xbarmc::build_info::kWithCuda ? "built" : "not built") + ", MPI support " +
#ifdef XBARMC_WITH_MPI
         "built";
#else
         "not built";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "xbarmc: Monte Carlo robustness simulator for spiking-network inference on RRAM "
      "crossbar chips"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  xbarmc::cli::add_bench_command(app);
  xbarmc::cli::add_budget_command(app);
  xbarmc::cli::add_crossbar_command(app);
  xbarmc::cli::add_drift_command(app);
  xbarmc::cli::add_import_command(app);
  xbarmc::cli::add_map_command(app);
  xbarmc::cli::add_mc_command(app);
  xbarmc::cli::add_merge_command(app);
  xbarmc::cli::add_run_command(app);
  xbarmc::cli::add_sweep_command(app);
  xbarmc::cli::add_tolerance_command(app);
  xbarmc::cli::add_train_command(app);
  xbarmc::cli::add_config_option(app, xbarmc::cli::find_subcommand_name(app, argc, argv));
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "xbarmc: error: %s\n", e.what());
    return 2;
  } catch (const xbarmc::UserError& e) {
    std::fprintf(stderr, "xbarmc: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xbarmc: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
