// `xbarmc budget` (DESIGN §2.9): which non-ideality of a study's device costs the most
// accuracy. Runs the rows of budget_plan.hpp as mc studies on common random numbers
// (through run_mc_on_ranks, so MPI spreads them, into <out>.runs/), sharing the model,
// data, engine and the nominal chip's calibration between them (study/study_cache.hpp),
// and writes the budget file (layout in README "Accuracy budget"). An interrupted
// budget continues with --resume: finished studies are reused.
#pragma once

#include <cstdio>
#include <string>

#include "budget/budget_result.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {

struct BudgetConfig {
  McConfig base;           // the study; base.out_path is the budget file
  bool keep_runs = false;  // keep <out>.runs/ with every row's mc file
};

std::string budget_runs_folder(const BudgetConfig& c);

// Bad settings or inputs throw UserError before any file is made.
BudgetResult run_budget_study(const BudgetConfig& config);

// The table at the last time (one line per row), the mean of the rows that drift at
// every time, and the checksums of the rows' studies.
void print_budget_table(const BudgetResult& r, std::FILE* out);

}  // namespace xbarmc::study
