// What a sweep tells its reader: the Markdown report written beside the results file
// (objective, cost model, the chosen configurations, their single test evaluation and
// the whole val table) and the short summary printed at the end of `xbarmc sweep`.
#pragma once

#include <cstdio>
#include <string>

#include "sweep/sweep_config.hpp"
#include "sweep/sweep_driver.hpp"

namespace xbarmc::study {

// Atomic: the report appears whole or not at all.
void write_sweep_report(const SweepConfig& config, const SweepSelection& s,
                        const std::string& path);

void print_sweep_summary(const SweepConfig& config, const SweepSelection& s, std::FILE* out);

}  // namespace xbarmc::study
