#include "study/mpi_study.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/errors.hpp"
#include "study/mc_study.hpp"
#include "study/mpi_rounds.hpp"
#ifdef XBARMC_WITH_MPI
#include "study/mpi_api.hpp"
#endif

namespace xbarmc::study {
namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

#ifdef XBARMC_WITH_MPI
// MPI_Init / MPI_Finalize around one study.
class MpiSession {
 public:
  MpiSession() { MPI_Init(nullptr, nullptr); }
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

// This rank's index and the rank count on its node (for the GPU and the threads).
void node_local(int* local_rank, int* local_size) {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, local_rank);
  MPI_Comm_size(node, local_size);
  MPI_Comm_free(&node);
}

void run_mpi(const McConfig& config) {
  MpiSession session;
  int rank = 0, n_ranks = 1, local_rank = 0, local_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
  node_local(&local_rank, &local_size);
  McConfig c = config;
  if (c.threads == 0) {  // share the node's cores between its ranks
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    c.threads = std::max(1, hw / local_size);
  }
  if (rank != 0) {
    const int status = mpi::run_worker(c, rank, local_rank);
    if (status != 0) {
      MPI_Finalize();
      std::exit(status);
    }
    return;
  }
  mpi::Coordinator coordinator(n_ranks);
  run_mc_study(c, [&](std::unique_ptr<Engine> local) {
    return mpi::make_mpi_engine(std::move(local), coordinator);
  });
  coordinator.stop(0);
}
#endif

}  // namespace

int launcher_world_size() {
  return std::max({1, env_int("OMPI_COMM_WORLD_SIZE"), env_int("PMI_SIZE")});
}

void run_mc_command(const McConfig& config) {
  const int world = launcher_world_size();
  if (world <= 1) {
    run_mc_study(config);
    return;
  }
#ifdef XBARMC_WITH_MPI
  run_mpi(config);
#else
  throw UserError("started by an MPI launcher with " + std::to_string(world) +
                  " ranks, but this xbarmc was built without MPI (configure with "
                  "-DXBARMC_WITH_MPI=ON and libopenmpi-dev); run one process, or shards "
                  "with --chips-from/--chips-to and xbarmc merge");
#endif
}

}  // namespace xbarmc::study
