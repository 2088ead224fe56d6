#include "common/launcher.hpp"

#include <algorithm>
#include <cstdlib>

namespace xbarmc {
namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : 0;
}

}  // namespace

int launcher_world_size() {
  return std::max({1, env_int("OMPI_COMM_WORLD_SIZE"), env_int("PMI_SIZE")});
}

int launcher_local_size() {
  return std::max({1, env_int("OMPI_COMM_WORLD_LOCAL_SIZE"), env_int("MPI_LOCALNRANKS")});
}

int launcher_world_rank() {
  return std::max({0, env_int("OMPI_COMM_WORLD_RANK"), env_int("PMI_RANK")});
}

}  // namespace xbarmc
