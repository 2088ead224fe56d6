#include "mpi/mpi_session.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/errors.hpp"
#include "mpi/mpi_api.hpp"
#include "mpi/mpi_rounds.hpp"
#include "mpi/mpi_wire.hpp"
#include "study/mc_study.hpp"

namespace xbarmc::study::mpi {
namespace {

// This rank's index and the rank count on its node (for the GPU and the threads).
void node_local(int* local_rank, int* local_size) {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, local_rank);
  MPI_Comm_size(node, local_size);
  MPI_Comm_free(&node);
}

// What rank 0 broadcasts between mc studies: the next study's settings (`size` bytes
// of serialize_config follow) or the end of the command.
enum MessageKind : std::int32_t { kStudy = 1, kDone = 2 };
struct Message {
  std::int32_t kind = kDone;
  std::uint64_t size = 0;
};

void broadcast(Message& m) {
  MPI_Bcast(&m, static_cast<int>(sizeof m), MPI_BYTE, 0, MPI_COMM_WORLD);
}

// MPI_Init / MPI_Finalize once per process, around the whole command.
class Session {
 public:
  Session() {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &n_ranks_);
    node_local(&local_rank_, &local_size_);
  }
  ~Session() {
    finish();
    finalize();
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  int rank() const { return rank_; }

  // Rank 0: releases the serving ranks (idempotent).
  void finish() {
    if (finished_ || rank_ != 0) return;
    finished_ = true;
    Message m;
    broadcast(m);
  }

  static void finalize() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }

  // Rank 0.
  StudyOutcome run_mc(const McConfig& config, StudyCache* cache) {
    McConfig c = config;
    if (c.threads == 0) {  // share the node's cores between its ranks
      const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      c.threads = std::max(1, hw / local_size_);
    }
    std::string bytes = serialize_config(c);
    Message m;
    m.kind = kStudy;
    m.size = bytes.size();
    broadcast(m);
    MPI_Bcast(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, MPI_COMM_WORLD);
    Coordinator coordinator(n_ranks_);
    StudyOutcome o = run_mc_study(
        c,
        [&](std::unique_ptr<Engine> local) {
          return make_mpi_engine(std::move(local), coordinator);
        },
        cache);
    coordinator.stop(0);
    return o;
  }

  // The other ranks: serve studies until rank 0 is done. A study that rank 0
  // abandoned (an error it reports itself) ends that study only.
  void serve() {
    while (true) {
      Message m;
      broadcast(m);
      if (m.kind != kStudy) return;
      std::string bytes(m.size, '\0');
      MPI_Bcast(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, MPI_COMM_WORLD);
      run_worker(deserialize_config(bytes), rank_, local_rank_);
    }
  }

 private:
  int rank_ = 0, n_ranks_ = 1, local_rank_ = 0, local_size_ = 1;
  bool finished_ = false;
};

Session* g_session = nullptr;

// std::exit from a driver (an interrupted study keeps its partial file) skips
// destructors. Registered before any Coordinator's handler, so it runs after it:
// the current study has been stopped, now the serving ranks are released.
void finish_at_exit() {
  if (g_session) g_session->finish();
  Session::finalize();
}

}  // namespace

void run_command(const std::function<void()>& driver) {
  Session session;
  if (session.rank() != 0) {
    // Exit 0 whatever rank 0's status: the launcher reports rank 0's, and a worker's
    // earlier non-zero exit would make it kill rank 0 before it has said why.
    session.serve();
    return;
  }
  static const bool registered = std::atexit(finish_at_exit) == 0;
  (void)registered;
  g_session = &session;
  struct Clear {
    ~Clear() { g_session = nullptr; }
  } clear;
  driver();
}

bool session_active() {
  return g_session != nullptr;
}

StudyOutcome run_mc_in_session(const McConfig& config, StudyCache* cache) {
  if (!g_session) throw InternalError("run_mc_in_session outside an MPI session");
  return g_session->run_mc(config, cache);
}

}  // namespace xbarmc::study::mpi
