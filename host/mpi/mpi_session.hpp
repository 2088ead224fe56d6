// One MPI session around a study command (DESIGN §6), compiled only with MPI: MPI is
// initialised and finalised once; rank 0 runs the command's driver and every mc study
// it starts is sent to the other ranks (mpi_wire.hpp) and spread over them batch by
// batch (mpi_rounds.hpp); the other ranks only serve those studies, never writing a
// file or printing a result.
#pragma once

#include <functional>

#include "stats/outcome.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {
class StudyCache;
}

namespace xbarmc::study::mpi {

// Runs `driver` on rank 0 while the other ranks serve its mc studies until it returns
// or fails (they then return without running it; the job's exit status is rank 0's).
void run_command(const std::function<void()>& driver);

// Whether this process is rank 0 inside run_command.
bool session_active();

// The mc study `config` with every batch split over the session's ranks (the file a
// single process writes), rank 0's part through `cache` (may be null). Only while
// session_active().
StudyOutcome run_mc_in_session(const McConfig& config, StudyCache* cache = nullptr);

}  // namespace xbarmc::study::mpi
