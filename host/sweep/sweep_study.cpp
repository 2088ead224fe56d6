#include "sweep/sweep_study.hpp"

#include <cstdio>
#include <filesystem>

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "mpi/study_runner.hpp"
#include "results/network_record.hpp"
#include "results/provenance.hpp"
#include "results/results_file.hpp"
#include "study/mc_study.hpp"
#include "sweep/sweep_models.hpp"
#include "sweep/sweep_report.hpp"
#include "sweep/sweep_results_file.hpp"

namespace xbarmc::study {
namespace {

namespace fs = std::filesystem;

double first(const h5::Group& g, const std::string& name) {
  return g.read<double>(name).data.at(0);
}

SplitEvaluation read_evaluation(const std::string& path) {
  const h5::File f = h5::File::open(path);
  const h5::Group ref = f.open_group("reference");
  const h5::Group mc = f.open_group("mc");
  SplitEvaluation e;
  e.threshold_ratio = first(ref, "threshold_ratio");
  for (const LayerRecord& layer : read_network_record(f).layers) {
    e.threshold_ratios.push_back(layer.threshold_ratio);
  }
  e.float_accuracy = first(ref, "float_accuracy");
  e.nominal_accuracy = first(ref, "nominal_accuracy");
  e.mc_mean = first(mc, "summary/mean");
  e.mc_p5 = first(mc, "summary/p5");
  e.yield = first(mc, "yield/fraction");  // time 0, the first spec
  e.results_path = path;
  e.checksum = mc.string_attribute("checksum");
  return e;
}

SweepSelection run_in_runs_dir(const SweepConfig& config, const std::vector<Combination>& grid,
                               SweepObjective objective, const std::string& runs);

}  // namespace

McSweepEvaluator::McSweepEvaluator(const SweepConfig& config, SweepModels& models)
    : config_(config), models_(models) {}

SplitEvaluation McSweepEvaluator::evaluate(const Combination& c, std::size_t row,
                                           const std::string& split,
                                           const std::string& threshold_ratio) {
  McConfig m = config_.base;
  m.model_path = models_.ensure(c.method, c.weight_bits, c.hidden);
  m.array_rows = c.array_rows;
  m.array_cols = c.array_cols;
  m.readout.scheme = c.scheme;
  m.readout.adc_bits = c.adc_bits;
  m.readout.timesteps = c.timesteps;
  m.neuron.reset = c.reset;
  m.split = split;
  m.threshold_ratio = threshold_ratio;
  if (split == "test") {
    m.chips = config_.test_chips ? config_.test_chips : config_.base.chips;
    m.images = config_.test_images;
  }
  m.out_path =
      (fs::path(sweep_runs_dir(config_)) / (split + "-" + std::to_string(row) + ".h5")).string();
  m.quiet = true;
  m.print_summary = false;
  std::error_code ec;
  if (fs::exists(m.out_path, ec)) {
    const bool same = h5::File::open(m.out_path).string_attribute("study_key") ==
                      study_toml(m, file_checksum(m.model_path));
    if (same) return read_evaluation(m.out_path);
  }
  m.resume = fs::exists(partial_path_for(m.out_path), ec);
  run_mc_on_ranks(m);
  return read_evaluation(m.out_path);
}

SweepSelection run_sweep_study(const SweepConfig& config) {
  validate_sweep_config(config);
  const std::vector<Combination> grid = expand_grid(config);
  const SweepObjective objective = parse_objective(config.objective);
  const std::string runs = sweep_runs_dir(config);
  std::error_code ec;
  const bool existed = fs::exists(runs, ec);
  if (existed && !config.base.resume) {
    throw UserError(runs +
                    " exists (an interrupted or --keep-runs sweep): continue it with "
                    "--resume or delete it");
  }
  fs::create_directories(runs, ec);
  if (!fs::is_directory(runs, ec)) throw UserError("cannot make the folder " + runs);
  try {
    return run_in_runs_dir(config, grid, objective, runs);
  } catch (const UserError&) {
    if (!existed) fs::remove_all(runs, ec);  // bad input found late: leave nothing behind
    throw;
  }
}

namespace {

SweepSelection run_in_runs_dir(const SweepConfig& config, const std::vector<Combination>& grid,
                               SweepObjective objective, const std::string& runs) {
  std::error_code ec;

  SweepTraining training;
  training.data_dir = config.base.data_dir;
  training.bias = config.bias;
  training.bias_mode = config.bias_mode;
  training.qat = config.qat;
  training.epochs = config.epochs;
  training.seed = config.train_seed;
  training.quiet = config.base.quiet;
  training.dir = sweep_model_dir(config);
  SweepModels models(training);
  McSweepEvaluator evaluator(config, models);

  const bool quiet = config.base.quiet;
  if (!quiet) {
    std::fprintf(stderr,
                 "sweep: %zu combinations on val (%llu chips each), objective %s, "
                 "tolerance %g\n",
                 grid.size(), static_cast<unsigned long long>(config.base.chips),
                 objective_name(objective), config.tolerance);
  }
  const RowCallback progress = [&](std::size_t i, const SweepRow& r) {
    if (quiet) return;
    std::fprintf(stderr,
                 "sweep: %3zu/%zu %-40s ratio %-5g nominal %.4f mean %.4f p5 %.4f yield %.3f\n",
                 i + 1, grid.size(), describe(r.combination).c_str(), r.threshold_ratio,
                 r.val_nominal, r.val_mc_mean, r.val_mc_p5, r.val_yield);
  };
  const SweepSelection s =
      run_sweep_protocol(grid, objective, config.tolerance, evaluator, progress);

  write_sweep_results(config, s);
  write_sweep_report(config, s, sweep_report_path(config));
  if (!config.keep_runs) fs::remove_all(runs, ec);
  print_sweep_summary(config, s, stdout);
  std::printf("wrote %s and %s\n", config.out_path.c_str(), sweep_report_path(config).c_str());
  return s;
}

}  // namespace
}  // namespace xbarmc::study
