// An mc study across MPI ranks (DESIGN §6). Rank 0 runs the ordinary study driver
// (calibration, results file, resume, statistics); its engine is replaced by one that
// spreads every batch ("round") of chips over all ranks: each rank computes a
// contiguous share with its own engine (GPU local_rank mod device count, else the
// CPU) and the per-chip rows are gathered to rank 0, which writes them. Memory per
// rank stays one round of rows, and the file is the single-process file because every
// chip's result depends only on its global index (DESIGN §4).
//
// Protocol: rank 0 broadcasts a Command per round (or a stop with the exit status);
// the others answer with MPI_Gatherv of their rows. Which study comes next, and the
// end of the command, are mpi/mpi_session.cpp's messages around these rounds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "mpi/rank_share.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study::mpi {

// Rank 0's side. The destructor (or, on std::exit, an exit handler) tells the other
// ranks to stop if stop() was not called, so they never wait for a round that will
// not come.
class Coordinator {
 public:
  explicit Coordinator(int n_ranks);
  ~Coordinator();
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;

  // Runs chips [begin, end) over all ranks (rank 0 computes its share with `local`).
  void run_round(Engine& local, const StudyInputs& in, std::uint64_t begin, std::uint64_t end,
                 ChipBatchResult& out);
  // Tells the other ranks to finish with `status` (idempotent).
  void stop(int status);
  int n_ranks() const { return n_ranks_; }

 private:
  int n_ranks_;
  bool stopped_ = false;
};

// The Engine that run_mc_study uses on rank 0.
std::unique_ptr<Engine> make_mpi_engine(std::unique_ptr<Engine> local, Coordinator& coordinator);

// Ranks other than 0: prepare the same inputs as rank 0, then compute shares until
// rank 0 says stop. Returns the status rank 0 sent (0 = success).
int run_worker(const McConfig& c, int rank, int local_rank);

}  // namespace xbarmc::study::mpi
