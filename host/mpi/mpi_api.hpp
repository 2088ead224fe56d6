// <mpi.h>, C API only: OpenMPI's and MPICH's headers otherwise pull in the C++
// bindings that MPI-3 removed (and that need an extra library). Include only where
// XBARMC_WITH_MPI is defined.
#pragma once

#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>
