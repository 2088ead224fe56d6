#include "budget/budget_study.hpp"

#include <cstdio>

#include "budget/budget_file.hpp"
#include "common/errors.hpp"
#include "mapping/device_table.hpp"
#include "mpi/runs_folder.hpp"
#include "study/mc_study.hpp"
#include "study/study_cache.hpp"

namespace xbarmc::study {
namespace {

void validate(const BudgetConfig& c) {
  validate_mc_settings(c.base);
  if (c.base.chips_from != 0 || c.base.chips_to != 0) {
    throw UserError("--chips-from/--chips-to: a budget runs whole studies (use --chips)");
  }
  // Its switches act on the scalar options; a table's per-level statistics would stay on.
  if (!c.base.device_table.empty() && device_table_has_statistics(c.base.device_table)) {
    throw UserError(
        "--device-table " + c.base.device_table +
        ": a budget cannot switch a table's per-level statistics (c2c_sigma, nu_mean, "
        "nu_std, read_sigma); give a table of levels and g_s only, with the scalar options");
  }
}

// The studies behind the rows, in row order; rows that share one read it once.
void run_rows(const BudgetConfig& c, StudyCache& cache, const RunsFolder& runs, BudgetResult& r) {
  const std::size_t n_times = c.base.times_s.size();
  int total = 0;
  for (const BudgetRow& row : r.rows)
    total += row.kind != RowKind::kReference && row.same_as.empty();
  r.results.resize(r.rows.size());
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const BudgetRow& row = r.rows[i];
    if (row.kind == RowKind::kReference || !row.same_as.empty()) continue;
    ++r.studies_run;
    if (!c.base.quiet) {
      std::fprintf(stderr, "budget: study %d of %d, %s (%s)\n", r.studies_run, total,
                   row.label.c_str(), row.settings.c_str());
    }
    McConfig m = row.study;
    m.print_summary = false;
    const McRun run = runs.run(m, cache);
    r.results[i] = study_row(run);
    if (r.chip_index.empty()) {
      r.chip_index = run.chip_index;
      r.backend = run.backend;
      r.device_name = run.device_name;
    }
  }
  if (r.chip_index.empty()) {  // a device without any non-ideality: no study at all
    for (std::uint64_t k = 0; k < c.base.chips; ++k) r.chip_index.push_back(k);
    const Engine& engine = cache.engine(c.base, nullptr);
    r.backend = engine.name();
    r.device_name = engine.device_name();
  }
  const double refs[4] = {r.refs.float_accuracy, r.refs.mapped_accuracy, r.ideal_adc_accuracy,
                          r.refs.nominal_accuracy};
  for (std::size_t i = 0; i < 4; ++i) {
    r.results[i] = reference_row(refs[i], n_times, r.n_chips(), r.thresholds);
  }
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (!r.rows[i].same_as.empty()) r.results[i] = r.results[r.row_index(r.rows[i].same_as)];
  }
  compute_costs(r);
}

}  // namespace

std::string budget_runs_folder(const BudgetConfig& c) {
  return c.base.out_path + ".runs";
}

BudgetResult run_budget_study(const BudgetConfig& c) {
  validate(c);
  StudyCache cache;
  // Everything that reads a file or calibrates, before the first file is made.
  const PreparedStudy base = cache.prepare(c.base);
  McConfig ideal = c.base;
  ideal.readout.adc_bits = 0;
  BudgetResult r;
  r.base = c.base;
  r.ideal_adc_accuracy = cache.prepare(ideal).refs.nominal_accuracy;
  r.refs = base.refs;
  r.times_s = c.base.times_s;
  r.n_images = static_cast<std::uint64_t>(base.in.n_images());
  r.specs = c.base.yield_specs;
  for (const YieldSpec& s : parse_yield_specs(c.base.yield_specs)) {
    r.thresholds.push_back(yield_threshold(s, r.refs));
  }
  r.threshold_ratio = base.threshold_ratio;
  r.threshold = base.in.neuron.threshold;
  r.i_fs_a = base.in.readout.i_fs_a;
  RunsFolder runs(budget_runs_folder(c), c.base.resume);
  r.rows = plan_budget(c.base, runs.path());
  try {
    run_rows(c, cache, runs, r);
  } catch (const UserError&) {
    runs.discard_if_new();
    throw;
  }
  write_budget_file(r, cache.model_checksum(c.base.model_path));
  runs.finish(c.keep_runs);
  return r;
}

}  // namespace xbarmc::study
