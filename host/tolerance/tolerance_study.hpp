// `xbarmc tolerance` (DESIGN §2.9): how large one device parameter may be while the
// yield at a spec still meets a target, e.g. the largest c2c-sigma at which 90 % of
// chips stay within 1 point of the nominal chip. Every value is an mc study of the base
// study with that parameter changed, at one time, on common random numbers (the same
// seed: the same chips, cells and ξ at every value), run through run_mc_on_ranks into
// <out>.runs/; the search is tolerance_search.hpp's. Writes the tolerance file (layout
// in README "Tolerance") and prints the curve and the answer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "stats/yield_spec.hpp"
#include "study/mc_config.hpp"
#include "tolerance/tolerance_search.hpp"

namespace xbarmc::study {

struct ToleranceConfig {
  McConfig base;          // the study; base.out_path is the tolerance file
  std::string parameter;  // a name of tolerance_parameter_names()
  double low = 0.0, high = 0.0;
  double yield_target = 0.9;
  std::string spec;         // "" = the base study's first yield spec
  double resolution = 0.0;  // 0 = (high − low)/100
  // The time after programming at which yield counts; NaN = the last of base.times_s.
  double time_s = std::numeric_limits<double>::quiet_NaN();
  int scan = 0;            // extra evenly spaced values before the bisection
  bool keep_runs = false;  // keep <out>.runs/ with every value's mc file
};

struct ToleranceValueRun {  // what the study at one value found, beside its SearchPoint
  double mean = 0.0, p5 = 0.0;
  std::vector<double> accuracy;  // [n_chips] at the time
  std::string checksum;
};

struct ToleranceResult {
  ToleranceConfig config;  // resolved: spec, resolution and time filled in
  SearchSettings settings;
  ToleranceSearch search;
  std::vector<ToleranceValueRun> runs;  // parallel to search.points
  std::vector<std::uint64_t> chip_index;
  std::uint64_t n_images = 0;
  double threshold = 0.0;  // the spec's absolute accuracy
  ReferenceAccuracies refs;
  double base_value = 0.0;  // the parameter in the base study
  std::string backend, device_name;
  int studies = 0;
};

// Bad settings or inputs throw UserError before any file is made.
ToleranceResult run_tolerance_study(const ToleranceConfig& config);

// The curve (one line per value), then the answer.
void print_tolerance(const ToleranceResult& r, std::FILE* out);

// The answer in one line: "c2c-sigma tolerance 0.0977: …", or why there is none.
std::string tolerance_answer(const ToleranceResult& r);

}  // namespace xbarmc::study
