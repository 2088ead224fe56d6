// The `xbarmc mc` yield study end to end (DESIGN §2.6): validate the settings, load
// the model and the split, resolve I_fs and θ on the nominal chip (val), compute the
// reference accuracies, run chip batches through the engine into the resumable
// results file, then write statistics and yield and print the summary table.
#pragma once

#include <string>

#include "study/mc_config.hpp"
#include "study/outcome.hpp"

namespace xbarmc::study {

// Exit status of a study stopped by SIGINT/SIGTERM (or --stop-after-batches):
// 128 + SIGINT, as shells report an interrupted program.
constexpr int kInterruptedExitStatus = 130;

// Runs the study. Bad settings or inputs throw UserError before any file is made.
// When interrupted it keeps <out>.partial, prints how to resume and exits the
// process with kInterruptedExitStatus.
StudyOutcome run_mc_study(const McConfig& config);

}  // namespace xbarmc::study
