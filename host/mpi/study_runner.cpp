#include "mpi/study_runner.hpp"

#include <string>

#include "common/errors.hpp"
#include "common/launcher.hpp"
#include "study/mc_study.hpp"
#ifdef XBARMC_WITH_MPI
#include "mpi/mpi_session.hpp"
#endif

namespace xbarmc::study {

void run_study_command(const std::function<void()>& driver) {
  const int world = launcher_world_size();
#ifdef XBARMC_WITH_MPI
  if (mpi::session_active()) {  // a command run by another one's driver (xbarmc run)
    driver();
    return;
  }
#endif
  if (world <= 1) {
    driver();
    return;
  }
#ifdef XBARMC_WITH_MPI
  mpi::run_command(driver);
#else
  throw UserError("started by an MPI launcher with " + std::to_string(world) +
                  " ranks, but this xbarmc was built without MPI (configure with "
                  "-DXBARMC_WITH_MPI=ON and libopenmpi-dev); run one process, or shards "
                  "with --chips-from/--chips-to and xbarmc merge");
#endif
}

StudyOutcome run_mc_on_ranks(const McConfig& config, StudyCache* cache) {
#ifdef XBARMC_WITH_MPI
  if (mpi::session_active()) return mpi::run_mc_in_session(config, cache);
#endif
  return run_mc_study(config, {}, cache);
}

void run_mc_command(const McConfig& config) {
  run_study_command([&] { run_mc_on_ranks(config); });
}

}  // namespace xbarmc::study
