// A finished mc results file read back whole, for the commands that run many mc
// studies and combine them (budget, tolerance): the per-chip accuracies and what the
// study found, recomputed from its correct counts by the rule that wrote it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/outcome.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {

struct McRun {
  std::string path;
  std::string study_key;
  std::vector<std::uint64_t> chip_index;  // [n_chips] global chip indices
  std::vector<std::uint32_t> correct;     // [n_times × n_chips]
  std::vector<double> accuracy;           // [n_times × n_chips]
  StudyOutcome outcome;                   // statistics, yield, checksum
  ReferenceAccuracies refs;
  std::string split;
  std::string backend, device_name;  // root attributes: where it ran
};

// Reads `path` (a finished mc file); throws UserError naming the file and object when
// it is not one.
McRun read_mc_run(const std::string& path);

}  // namespace xbarmc::study
