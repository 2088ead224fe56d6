// `xbarmc mc` in one process or, when an MPI launcher started several ranks, as one
// study across them (DESIGN §6; the rounds protocol is in study/mpi_rounds.hpp).
#pragma once

#include "study/mc_config.hpp"

namespace xbarmc::study {

// Ranks of the MPI job that started this process, from the launcher's environment
// (OpenMPI's mpirun: OMPI_COMM_WORLD_SIZE; MPICH/Hydra and Slurm PMI: PMI_SIZE);
// 1 when there is none.
int launcher_world_size();

// Runs the mc study: run_mc_study() alone, or under mpirun with K > 1 ranks the
// chips of every batch split over the ranks and rank 0 writing the one results file.
// A binary built without MPI refuses to run under such a launcher (UserError), since
// every rank would compute and write the whole study.
void run_mc_command(const McConfig& config);

}  // namespace xbarmc::study
