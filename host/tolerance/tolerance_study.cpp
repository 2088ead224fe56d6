#include "tolerance/tolerance_study.hpp"

#include <cmath>
#include <map>

#include "common/errors.hpp"
#include "common/number_text.hpp"
#include "mapping/device_table.hpp"
#include "mpi/runs_folder.hpp"
#include "study/mc_study.hpp"
#include "study/study_cache.hpp"
#include "tolerance/tolerance_file.hpp"
#include "tolerance/tolerance_parameter.hpp"

namespace xbarmc::study {
namespace {

// More halvings than this is a resolution no study can resolve (2^40 ≈ 1e12).
constexpr int kMaxBisectionSteps = 40;
constexpr int kMaxScan = 1000;

std::string range_text(const ToleranceConfig& c) {
  return round_trip_text(c.low) + "," + round_trip_text(c.high);
}

// The mc study at one value of the parameter.
McConfig study_at(const ToleranceConfig& c, double value) {
  McConfig m = c.base;
  set_tolerance_parameter(m.device, c.parameter, value);
  m.times_s = {c.time_s};
  m.yield_specs = {c.spec};
  m.print_summary = false;
  return m;
}

// Fills in the defaults and checks every setting before any file is read.
ToleranceConfig resolve(const ToleranceConfig& given) {
  ToleranceConfig c = given;
  validate_mc_settings(c.base);
  if (c.base.chips_from != 0 || c.base.chips_to != 0) {
    throw UserError("--chips-from/--chips-to: a tolerance search runs whole studies (use --chips)");
  }
  // Its switches act on the scalar options; a table's per-level statistics would stay on.
  if (!c.base.device_table.empty() && device_table_has_statistics(c.base.device_table)) {
    throw UserError(
        "--device-table " + c.base.device_table +
        ": a tolerance search cannot switch a table's per-level statistics (c2c_sigma, nu_mean, "
        "nu_std, read_sigma); give a table of levels and g_s only, with the scalar options");
  }
  if (c.parameter.empty()) throw UserError("--vary is required: the device parameter to vary");
  check_tolerance_parameter(c.parameter, c.base.device);
  if (!std::isfinite(c.low) || !std::isfinite(c.high) || !(c.low < c.high)) {
    throw UserError("--range " + range_text(c) + ": give LOW,HIGH with LOW < HIGH");
  }
  if (!(c.yield_target > 0.0 && c.yield_target <= 1.0)) {
    throw UserError("--yield-target " + round_trip_text(c.yield_target) + ": must be in (0, 1]");
  }
  if (c.resolution == 0.0) c.resolution = (c.high - c.low) / 100.0;
  if (!std::isfinite(c.resolution) || c.resolution < 0.0) {
    throw UserError("--resolution " + round_trip_text(c.resolution) + ": must be > 0");
  }
  SearchSettings s;
  s.low = c.low;
  s.high = c.high;
  s.resolution = c.resolution;
  if (bisection_steps(s) > kMaxBisectionSteps) {
    throw UserError("--resolution " + round_trip_text(c.resolution) + ": below (HIGH − LOW)/2^" +
                    std::to_string(kMaxBisectionSteps) + " for --range " + range_text(c));
  }
  if (c.scan < 0 || c.scan > kMaxScan) {
    throw UserError("--scan " + std::to_string(c.scan) + ": must be in [0, " +
                    std::to_string(kMaxScan) + "]");
  }
  if (c.spec.empty()) {
    if (c.base.yield_specs.empty()) throw UserError("--spec is required (no --yield-spec either)");
    c.spec = c.base.yield_specs.front();
  }
  parse_yield_spec(c.spec);
  if (std::isnan(c.time_s)) {
    c.time_s = c.base.times_s.back();
  } else if (!std::isfinite(c.time_s) || c.time_s < 0.0) {
    throw UserError("--time " + round_trip_text(c.time_s) + ": must be a finite time >= 0 s");
  }
  for (double v : {c.low, c.high}) {
    try {
      validate_mc_settings(study_at(c, v));
    } catch (const UserError& e) {
      throw UserError("--range " + range_text(c) + ": at " + c.parameter + " " +
                      round_trip_text(v) + ": " + e.what());
    }
  }
  return c;
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

ToleranceResult run_tolerance_study(const ToleranceConfig& config) {
  ToleranceResult r;
  r.config = resolve(config);
  const ToleranceConfig& c = r.config;
  r.settings.low = c.low;
  r.settings.high = c.high;
  r.settings.resolution = c.resolution;
  r.settings.target = c.yield_target;
  r.settings.scan = c.scan;

  StudyCache cache;
  // Everything that reads a file or calibrates, before the first file is made; the
  // references do not depend on the device, so the threshold is the same at every value.
  const PreparedStudy base = cache.prepare(study_at(c, c.low));
  r.refs = base.refs;
  r.threshold = yield_threshold(parse_yield_spec(c.spec), r.refs);
  r.n_images = static_cast<std::uint64_t>(base.in.n_images());
  r.base_value = tolerance_parameter(c.base.device, c.parameter);

  RunsFolder runs(c.base.out_path + ".runs", c.base.resume);
  std::map<double, ToleranceValueRun> by_value;
  const int most = max_evaluations(r.settings);
  const PassFunction pass_at = [&](double value) {
    ++r.studies;
    if (!c.base.quiet) {
      std::fprintf(stderr, "tolerance: study %d (at most %d), %s %s\n", r.studies, most,
                   c.parameter.c_str(), round_trip_text(value).c_str());
    }
    McConfig m = study_at(c, value);
    m.out_path = runs.file(c.parameter + "=" + round_trip_text(value));
    const McRun run = runs.run(m, cache);
    if (r.chip_index.empty()) {
      r.chip_index = run.chip_index;
      r.backend = run.backend;
      r.device_name = run.device_name;
    }
    ToleranceValueRun v;
    v.accuracy = run.accuracy;  // one time
    v.mean = run.outcome.summary.at(0).mean;
    v.p5 = run.outcome.summary.at(0).p5;
    v.checksum = hex(run.outcome.checksum);
    std::vector<std::uint8_t> pass;
    for (double a : v.accuracy) pass.push_back(meets_threshold(a, r.threshold) ? 1 : 0);
    by_value[value] = std::move(v);
    return pass;
  };
  try {
    r.search = search_tolerance(r.settings, pass_at);
  } catch (const UserError&) {
    runs.discard_if_new();
    throw;
  }
  for (const SearchPoint& p : r.search.points) r.runs.push_back(by_value.at(p.value));
  write_tolerance_file(r, cache.model_checksum(c.base.model_path));
  runs.finish(c.keep_runs);
  return r;
}

}  // namespace xbarmc::study
