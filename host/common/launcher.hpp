// Whether an MPI launcher started this process, read from the launcher's environment
// (no MPI library needed): commands that must not run once per rank ask it.
#pragma once

namespace xbarmc {

// Ranks of the MPI job that started this process (OpenMPI's mpirun:
// OMPI_COMM_WORLD_SIZE; MPICH/Hydra and Slurm PMI: PMI_SIZE); 1 when there is none.
int launcher_world_size();

// This process's rank in that job (OMPI_COMM_WORLD_RANK, PMI_RANK); 0 when there is none.
int launcher_world_rank();

// Ranks of that job on this node (OMPI_COMM_WORLD_LOCAL_SIZE, MPI_LOCALNRANKS); 1 when
// there is none: how many processes share this node's GPUs.
int launcher_local_size();

}  // namespace xbarmc
