// Study commands in one process or, when an MPI launcher started several ranks, as
// one job across them (DESIGN §6). Rank 0 runs the command's driver (mc, drift,
// sweep: everything it computes, writes and prints); each mc study the driver runs
// goes through run_mc_on_ranks(), which hands its settings to the other ranks and
// spreads the chips of every batch over all of them (the rounds protocol is in
// mpi/mpi_rounds.hpp). The other ranks only serve those studies: they never write
// a file or print a result.
#pragma once

#include <functional>

#include "stats/outcome.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {

// Runs `driver` once: here, or under a launcher with K > 1 ranks on rank 0 while the
// other ranks serve its mc studies until it returns or fails (they then return
// without running it; the job's exit status is rank 0's). MPI is initialised and
// finalised once around it. A binary built without MPI refuses to run under such a
// launcher (UserError), since every rank would compute and write the whole study.
void run_study_command(const std::function<void()>& driver);

// One mc study of a driver: run_mc_study(), or on rank 0 of run_study_command's MPI
// job the same study with every batch split over the ranks (the same file). `cache`
// (may be null) is rank 0's share of what the driver's studies have in common
// (study/study_cache.hpp); the other ranks prepare each study afresh.
class StudyCache;
StudyOutcome run_mc_on_ranks(const McConfig& config, StudyCache* cache = nullptr);

// `xbarmc mc`: run_study_command of one run_mc_on_ranks.
void run_mc_command(const McConfig& config);

}  // namespace xbarmc::study
