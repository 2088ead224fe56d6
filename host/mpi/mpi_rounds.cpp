#include "mpi/mpi_rounds.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "backend/backend.hpp"
#include "common/errors.hpp"
#include "mpi/mpi_api.hpp"
#include "study/mc_study.hpp"
#include "study/study_inputs.hpp"
#include "train/model_file.hpp"

namespace xbarmc::study::mpi {

namespace {

enum CommandKind : std::int32_t { kRun = 1, kStop = 2 };

// One broadcast per round. The resolved readout travels with it because only rank 0
// calibrates (or reads it back from the file it resumes).
struct Command {
  std::int32_t kind = kStop;
  std::int32_t status = 0;
  std::uint64_t begin = 0, end = 0;
  double i_fs_a = 0.0, threshold = 0.0;
};

void broadcast(Command& c) {
  MPI_Bcast(&c, static_cast<int>(sizeof c), MPI_BYTE, 0, MPI_COMM_WORLD);
}

// A network's resolved readout, after the Command of a round: I_fs and θ of every layer
// (every rank knows the layer count from its own inputs).
void broadcast_layers(StudyInputs& in) {
  if (in.layers.empty()) return;
  std::vector<double> v;
  for (const LayerInputs& l : in.layers) {
    v.push_back(l.i_fs_a);
    v.push_back(l.threshold);
  }
  MPI_Bcast(v.data(), static_cast<int>(v.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  for (std::size_t l = 0; l < in.layers.size(); ++l) {
    in.layers[l].i_fs_a = v[2 * l];
    in.layers[l].threshold = v[2 * l + 1];
  }
}

// The per-chip rows of a round's results, with the per-layer ones as n_layers·n_times rows.
void gather_result(const ChipBatchResult& part, ChipBatchResult* out, std::uint64_t begin,
                   std::uint64_t end, int n_ranks, std::size_t n_times, std::size_t n_layers);

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<std::uint32_t>() {
  return MPI_UINT32_T;
}
template <>
MPI_Datatype mpi_type<std::uint64_t>() {
  return MPI_UINT64_T;
}

// Gathers every rank's [n_times × share] block into rank 0's [n_times × n] `out`.
template <class T>
void gather_rows(const std::vector<T>& mine, std::vector<T>* out, std::uint64_t begin,
                 std::uint64_t end, int n_ranks, std::size_t n_times) {
  const int send = static_cast<int>(mine.size());
  if (!out) {  // not rank 0
    MPI_Gatherv(mine.data(), send, mpi_type<T>(), nullptr, nullptr, nullptr, mpi_type<T>(), 0,
                MPI_COMM_WORLD);
    return;
  }
  std::vector<int> counts(static_cast<std::size_t>(n_ranks)), displs(counts.size());
  int total = 0;
  for (int r = 0; r < n_ranks; ++r) {
    const Share s = rank_share(begin, end, r, n_ranks);
    counts[static_cast<std::size_t>(r)] = static_cast<int>(n_times * (s.end - s.begin));
    displs[static_cast<std::size_t>(r)] = total;
    total += counts[static_cast<std::size_t>(r)];
  }
  std::vector<T> all(static_cast<std::size_t>(total));
  MPI_Gatherv(mine.data(), send, mpi_type<T>(), all.data(), counts.data(), displs.data(),
              mpi_type<T>(), 0, MPI_COMM_WORLD);
  const std::uint64_t n = end - begin;
  out->assign(n_times * n, T{});
  for (int r = 0; r < n_ranks; ++r) {
    const Share s = rank_share(begin, end, r, n_ranks);
    const std::uint64_t m = s.end - s.begin;
    const T* block = all.data() + displs[static_cast<std::size_t>(r)];
    for (std::size_t t = 0; t < n_times; ++t) {
      for (std::uint64_t j = 0; j < m; ++j) {
        (*out)[t * n + (s.begin - begin) + j] = block[t * m + j];
      }
    }
  }
}

// This rank's share of a round; an empty share gives empty rows.
void compute_share(Engine& engine, const StudyInputs& in, const Share& s, ChipBatchResult& part) {
  part.chip_begin = s.begin;
  part.chip_end = s.end;
  part.correct.clear();
  part.no_spike.clear();
  part.saturated.clear();
  part.layer_saturated.clear();
  part.layer_spikes.clear();
  part.verify_pulses.clear();
  part.verify_failures.clear();
  part.verify_cells.clear();
  if (s.end > s.begin) engine.run(in, s.begin, s.end, part);
}

void gather_result(const ChipBatchResult& part, ChipBatchResult* out, std::uint64_t begin,
                   std::uint64_t end, int n_ranks, std::size_t n_times, std::size_t n_layers) {
  gather_rows(part.correct, out ? &out->correct : nullptr, begin, end, n_ranks, n_times);
  gather_rows(part.no_spike, out ? &out->no_spike : nullptr, begin, end, n_ranks, n_times);
  gather_rows(part.saturated, out ? &out->saturated : nullptr, begin, end, n_ranks, n_times);
  gather_rows(part.layer_saturated, out ? &out->layer_saturated : nullptr, begin, end, n_ranks,
              n_layers * n_times);
  gather_rows(part.layer_spikes, out ? &out->layer_spikes : nullptr, begin, end, n_ranks,
              n_layers * n_times);
  gather_rows(part.verify_pulses, out ? &out->verify_pulses : nullptr, begin, end, n_ranks, 1);
  gather_rows(part.verify_failures, out ? &out->verify_failures : nullptr, begin, end, n_ranks, 1);
  gather_rows(part.verify_cells, out ? &out->verify_cells : nullptr, begin, end, n_ranks, 1);
}

Coordinator* g_active = nullptr;

// std::exit from the study driver (an interrupted run keeps its partial file) skips
// destructors: release the other ranks from this study here (the session's own exit
// handler, registered earlier and so run later, ends the command and finalizes).
void release_at_exit() {
  if (g_active) g_active->stop(kInterruptedExitStatus);
}

class MpiEngine final : public Engine {
 public:
  MpiEngine(std::unique_ptr<Engine> local, Coordinator& coordinator)
      : local_(std::move(local)), coordinator_(coordinator) {}
  std::string name() const override { return local_->name(); }
  std::string device_name() const override {
    return local_->device_name() + " (rank 0 of " + std::to_string(coordinator_.n_ranks()) +
           " MPI ranks)";
  }
  void run(const StudyInputs& in, std::uint64_t begin, std::uint64_t end,
           ChipBatchResult& out) override {
    coordinator_.run_round(*local_, in, begin, end, out);
  }
  // A round is split over the ranks: each share the size the local engine prefers.
  std::uint64_t preferred_batch_chips() const override {
    return local_->preferred_batch_chips() * static_cast<std::uint64_t>(coordinator_.n_ranks());
  }

 private:
  std::unique_ptr<Engine> local_;
  Coordinator& coordinator_;
};

}  // namespace

Coordinator::Coordinator(int n_ranks) : n_ranks_(n_ranks) {
  static const bool registered = std::atexit(release_at_exit) == 0;
  (void)registered;
  g_active = this;
}

Coordinator::~Coordinator() {
  stop(std::uncaught_exceptions() > 0 ? 2 : 0);
  g_active = nullptr;
}

void Coordinator::stop(int status) {
  if (stopped_) return;
  stopped_ = true;
  Command c;
  c.kind = kStop;
  c.status = status;
  broadcast(c);
}

void Coordinator::run_round(Engine& local, const StudyInputs& in, std::uint64_t begin,
                            std::uint64_t end, ChipBatchResult& out) {
  if (stopped_) throw InternalError("mpi: round after stop");
  Command c;
  c.kind = kRun;
  c.begin = begin;
  c.end = end;
  c.i_fs_a = in.readout.i_fs_a;
  c.threshold = in.neuron.threshold;
  broadcast(c);
  StudyInputs sent = in;  // broadcast_layers writes what it sends back: the same values
  broadcast_layers(sent);
  ChipBatchResult part;
  compute_share(local, in, rank_share(begin, end, 0, n_ranks_), part);
  gather_result(part, &out, begin, end, n_ranks_, static_cast<std::size_t>(in.n_times()),
                std::max<std::size_t>(1, in.layers.size()));
  out.chip_begin = begin;
  out.chip_end = end;
}

std::unique_ptr<Engine> make_mpi_engine(std::unique_ptr<Engine> local, Coordinator& coordinator) {
  return std::make_unique<MpiEngine>(std::move(local), coordinator);
}

int run_worker(const McConfig& c, int rank, int local_rank) {
  // Prepared while rank 0 validates and calibrates. A failure here is reported only
  // if rank 0 goes on (then this rank cannot take part and aborts the job); when the
  // settings are bad, rank 0 says so once and sends stop.
  StudyInputs in;
  std::unique_ptr<Engine> engine;
  std::string error;
  try {
    const Model model = load_study_model(c);
    const SplitData split = load_split(load_dataset(c.data_dir), model, c.split, c.images);
    in = make_study_inputs(model, split, c);
    engine = make_engine(parse_backend(c.backend), c.threads, nullptr, local_rank);
  } catch (const std::exception& e) {
    error = e.what();
  }
  const int n_ranks = [] {
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
  }();
  ChipBatchResult part;
  const auto n_times = static_cast<std::size_t>(in.n_times());
  while (true) {
    Command cmd;
    broadcast(cmd);
    if (cmd.kind != kRun) return cmd.status;
    if (!engine) {
      std::fprintf(stderr, "xbarmc: error: MPI rank %d: %s\n", rank, error.c_str());
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    in.readout.i_fs_a = cmd.i_fs_a;
    in.neuron.threshold = cmd.threshold;
    broadcast_layers(in);
    compute_share(*engine, in, rank_share(cmd.begin, cmd.end, rank, n_ranks), part);
    gather_result(part, nullptr, cmd.begin, cmd.end, n_ranks, n_times,
                  std::max<std::size_t>(1, in.layers.size()));
  }
}

}  // namespace xbarmc::study::mpi
