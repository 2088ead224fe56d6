// The `xbarmc mc` yield study end to end (DESIGN §2.6): validate the settings, load
// the model and the split, resolve I_fs and θ on the nominal chip (val), compute the
// reference accuracies, run chip batches through the engine into the resumable
// results file, then write statistics and yield and print the summary table.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "stats/outcome.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {

// Exit status of a study stopped by SIGINT/SIGTERM (or --stop-after-batches):
// 128 + SIGINT, as shells report an interrupted program.
constexpr int kInterruptedExitStatus = 130;

// Runs the study. Bad settings or inputs throw UserError before any file is made.
// When interrupted it keeps <out>.partial, prints how to resume and exits the
// process with kInterruptedExitStatus.
// `wrap` (may be empty) replaces the engine the backend choice made, e.g. by one that
// spreads each batch over MPI ranks (mpi/study_runner.hpp).
// `cache` (may be null) shares the model, data, engine and resolved readouts with the
// other studies of one command (study/study_cache.hpp); the results are the same.
using EngineWrap = std::function<std::unique_ptr<Engine>(std::unique_ptr<Engine>)>;
class StudyCache;
StudyOutcome run_mc_study(const McConfig& config, const EngineWrap& wrap = {},
                          StudyCache* cache = nullptr);

// Everything that can be checked from the settings alone, before any file is read
// (UserError naming the value): what run_mc_study checks first.
void validate_mc_settings(const McConfig& config);

}  // namespace xbarmc::study
