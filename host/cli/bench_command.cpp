// `xbarmc bench`: throughput of the engines on a fixed synthetic workload (DESIGN §2.6):
// a 64×20 array (64 inputs, 10 differential outputs), rate coding, every non-ideality
// on (D2D, C2C 0.1, stuck cells, drift with compensation, read noise 0.02, nodal
// IR-drop), scheme B with 6-bit ADCs, at T = 16 and 32 (--inputs/--outputs change the
// array). Prints chip·image inferences per second, synaptic events per second (the
// spikes that reach a column: active rows × columns, summed over the steps, as the
// engines process them) and cell reads per second (every cell at every step,
// n_in·n_cols·T per inference, what a dense array read would cost) for the CPU and,
// when present, the GPU measured in the same run, their ratio, and the GPU's
// napkin-math bound with the fraction reached. --network runs a network on many arrays
// instead (cli/bench_network.hpp).
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "backend/napkin_model.hpp"
#include "cli/bench_network.hpp"
#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/input_plan.hpp"
#include "engine/synthetic_workload.hpp"
#include "engine/validate.hpp"
#include "stats/checksum.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc::cli {
namespace {

struct BenchOptions {
  std::string backend = "auto";
  int inputs = 64, outputs = 10;
  std::uint64_t chips = 0;      // 0: 4096 on a GPU, cpu_chips on the CPU
  std::uint64_t cpu_chips = 8;  // CPU baseline (the CPU is ~1000× slower)
  int images = 1000;
  std::vector<int> timesteps = {16, 32};
  bool nonidealities = true;
  IrDropModel ir_drop = IrDropModel::kNodal;
  int threads = 0;
  std::uint64_t seed = 1;
  std::string network;  // "784,256,10": the network workload instead (bench_network.hpp)
  int array_rows = 0, array_cols = 0;
};

StudyInputs bench_workload(const BenchOptions& o, int timesteps) {
  SyntheticSpec spec;
  spec.n_in = o.inputs;
  spec.n_out = o.outputs;
  spec.n_images = o.images;
  spec.timesteps = timesteps;
  spec.seed = o.seed;
  StudyInputs in = make_synthetic_study(spec);  // I_fs and θ calibrated on the ideal chip
  if (o.nonidealities) {
    DeviceParams& d = in.device;
    d.d2d_sigma = 0.05;
    d.c2c_sigma = 0.1;
    d.p_stuck_on = 0.001;
    d.p_stuck_off = 0.001;
    d.nu_mean = 0.01;
    d.nu_std = 0.005;
    d.drift_compensation = true;
    d.read_sigma = 0.02;
    d.ir_drop = o.ir_drop;
    in.times_s = {86400.0};  // one day after programming
  }
  return in;
}

std::string describe(const BenchOptions& o, const StudyInputs& in) {
  static const std::map<IrDropModel, const char*> ir{{IrDropModel::kNone, "none"},
                                                     {IrDropModel::kFirstOrder, "first_order"},
                                                     {IrDropModel::kNodal, "nodal"}};
  char buf[512];
  if (o.nonidealities) {
    std::snprintf(
        buf, sizeof buf,
        "%dx%d array, T=%d, rate coding, D2D 0.05, C2C 0.1, stuck 0.1%%+0.1%%, drift nu "
        "0.01+-0.005 at 1 d compensated, read noise 0.02, ADC B %d-bit, IR-drop %s, %d images",
        in.n_in, in.n_cols(), in.readout.timesteps, in.readout.adc_bits, ir.at(in.device.ir_drop),
        in.n_images());
  } else {
    std::snprintf(buf, sizeof buf,
                  "%dx%d array, T=%d, rate coding, ideal chip, ADC B %d-bit, %d images", in.n_in,
                  in.n_cols(), in.readout.timesteps, in.readout.adc_bits, in.n_images());
  }
  return buf;
}

struct Measurement {
  std::string label;
  std::uint64_t chips = 0;
  double seconds = 0.0;
  double inferences_per_s = 0.0;
  double synaptic_events_per_s = 0.0;
  double cell_reads_per_s = 0.0;
  ChipBatchResult result;
};

// Active rows per step, averaged over the images and steps of the study: the spikes of
// the chip-independent input plan (rate, deterministic), or every row (direct).
double mean_active_rows(const StudyInputs& in) {
  if (in.readout.encoding == Encoding::kDirect) return in.n_in;
  InputPlan plan;
  build_input_plan(in, plan);
  std::uint64_t spikes = 0;
  for (std::uint64_t m : plan.masks) spikes += static_cast<std::uint64_t>(__builtin_popcountll(m));
  return static_cast<double>(spikes) / (static_cast<double>(in.n_images()) * in.readout.timesteps);
}

// Engine::run wall time for chips [0, chips), after one untimed 1-chip run (CUDA context,
// module load, the CPU engine's input plan).
Measurement measure(Engine& engine, const StudyInputs& in, std::uint64_t chips,
                    double active_rows) {
  Measurement m;
  m.label = engine.name() + " (" + engine.device_name() + ")";
  m.chips = chips;
  ChipBatchResult warm;
  engine.run(in, 0, 1, warm);
  const auto start = std::chrono::steady_clock::now();
  engine.run(in, 0, chips, m.result);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double inferences = static_cast<double>(chips) * in.n_images() * in.n_times();
  m.inferences_per_s = inferences / m.seconds;
  const double steps = m.inferences_per_s * in.readout.timesteps;
  m.synaptic_events_per_s = steps * active_rows * in.n_cols();
  m.cell_reads_per_s = steps * static_cast<double>(in.n_in) * in.n_cols();
  return m;
}

void print(const Measurement& m, const StudyInputs& in) {
  std::uint32_t correct = 0;
  for (std::uint32_t c : m.result.correct) correct += c;
  std::printf(
      "  %-60s %6llu chips in %8.3f s: %.3e inferences/s, %.3e synaptic events/s (%.3e cell "
      "reads/s), mean accuracy %.4f, checksum %s\n",
      m.label.c_str(), static_cast<unsigned long long>(m.chips), m.seconds, m.inferences_per_s,
      m.synaptic_events_per_s, m.cell_reads_per_s,
      static_cast<double>(correct) / (static_cast<double>(m.chips) * in.n_images() * in.n_times()),
      hex64(study::counts_checksum(m.result.correct)).c_str());
}

// Chips [0, n) of both runs: how many have identical counts (correct, no-spike,
// saturated) at every time.
std::uint64_t agreeing_chips(const ChipBatchResult& a, const ChipBatchResult& b, std::uint64_t n,
                             int n_times) {
  const std::uint64_t na = a.chip_end - a.chip_begin, nb = b.chip_end - b.chip_begin;
  std::uint64_t same = 0;
  for (std::uint64_t c = 0; c < n; ++c) {
    bool equal = true;
    for (int k = 0; k < n_times; ++k) {
      equal = equal && a.correct[k * na + c] == b.correct[k * nb + c] &&
              a.no_spike[k * na + c] == b.no_spike[k * nb + c] &&
              a.saturated[k * na + c] == b.saturated[k * nb + c];
    }
    same += equal ? 1 : 0;
  }
  return same;
}

void print_napkin(const Measurement& gpu, const StudyInputs& in, double active_rows) {
  const GpuFigures s = gpu_figures(0);
  cuda::NapkinWorkload w;
  w.n_in = in.n_in;
  w.n_cols = in.n_cols();
  w.n_out = in.n_out;
  w.timesteps = in.readout.timesteps;
  w.n_images = in.n_images();
  w.noisy = make_read_constants(in.device, in.readout).noisy;
  w.slots_per_time = in.device.drift_compensation ? 2 : 1;
  w.active_rows = active_rows;
  const cuda::NapkinCost cost = cuda::napkin_cost(w);
  const cuda::NapkinBound b =
      cuda::napkin_bound(cost, s.sm_count, s.clock_hz, s.memory_bytes_per_s);
  std::printf(
      "  napkin bound (%s, %d SMs at %.2f GHz, %.0f GB/s): %.0f warp instructions/inference -> "
      "%.3e inferences/s; %.0f DRAM bytes/inference -> %.3e inferences/s; reached %.1f %% of "
      "%.3e\n",
      s.name.c_str(), s.sm_count, s.clock_hz * 1e-9, s.memory_bytes_per_s * 1e-9,
      cost.warp_instructions, b.issue_bound, cost.dram_bytes, b.memory_bound,
      100.0 * gpu.inferences_per_s / b.bound(), b.bound());
}

// The network workload; `given` says which options were on the command line.
void run_network(const BenchOptions& o, bool timesteps_given, bool ir_drop_given,
                 bool layer_given) {
  if (layer_given) {
    throw UserError("--inputs/--outputs: the layer sizes of --network '" + o.network +
                    "' are its own");
  }
  NetworkBenchOptions n;
  n.sizes = parse_network_sizes(o.network);
  n.array_rows = o.array_rows;
  n.array_cols = o.array_cols;
  n.images = o.images;
  if (timesteps_given) n.timesteps = o.timesteps;  // else T = 16, the networks' target
  n.nonidealities = o.nonidealities;
  n.ir_drop_given = ir_drop_given;
  n.ir_drop = o.ir_drop;
  n.chips = o.chips;
  n.cpu_chips = o.cpu_chips;
  n.threads = o.threads;
  n.seed = o.seed;
  run_network_bench(n, o.backend);
}

void run_bench(const BenchOptions& o, bool timesteps_given, bool ir_drop_given, bool layer_given) {
  if (o.images < 1) throw UserError("--images " + std::to_string(o.images) + ": must be >= 1");
  if (o.cpu_chips < 1) throw UserError("--cpu-chips: must be >= 1");
  if (o.inputs < 1 || o.inputs > 4096)
    throw UserError("--inputs " + std::to_string(o.inputs) + ": must be in [1, 4096]");
  if (o.outputs < 2 || o.outputs > 255)
    throw UserError("--outputs " + std::to_string(o.outputs) + ": must be in [2, 255]");
  for (const auto& [option, chips] :
       {std::pair{"--chips", o.chips}, {"--cpu-chips", o.cpu_chips}}) {
    if (chips > kMaxChips) {
      throw UserError(std::string(option) + " " + std::to_string(chips) + ": at most " +
                      std::to_string(kMaxChips) + " (2^32 chip indices)");
    }
  }
  if (o.threads < 0 || o.threads > kMaxThreads) {
    throw UserError("--threads " + std::to_string(o.threads) + ": must be in [0, " +
                    std::to_string(kMaxThreads) + "] (0 = all)");
  }
  for (int t : o.timesteps) {
    if (t < 1 || t > 4096)
      throw UserError("--timesteps " + std::to_string(t) + ": must be in [1, 4096]");
  }
  if (!o.network.empty()) {
    run_network(o, timesteps_given, ir_drop_given, layer_given);
    return;
  }
  if (o.array_rows != 0 || o.array_cols != 0) {
    throw UserError("--array-rows/--array-cols: arrays are for a --network workload");
  }
  std::string note;
  std::unique_ptr<Engine> engine = make_engine(parse_backend(o.backend), o.threads, &note);
  if (!note.empty()) std::fprintf(stderr, "%s\n", note.c_str());
  const bool gpu = engine->name() != "cpu";
  const std::uint64_t chips = o.chips ? o.chips : (gpu ? 4096 : o.cpu_chips);
  CpuEngine cpu(o.threads);

  for (int t : o.timesteps) {
    const StudyInputs in = bench_workload(o, t);
    const double rows = mean_active_rows(in);
    std::printf("xbarmc bench: %s\n", describe(o, in).c_str());
    std::printf("  %.1f active rows per step (synaptic events = active rows x columns per step)\n",
                rows);
    if (!gpu) {
      print(measure(*engine, in, chips, rows), in);
      continue;
    }
    const Measurement c = measure(cpu, in, o.cpu_chips, rows);
    const Measurement g = measure(*engine, in, chips, rows);
    print(c, in);
    print(g, in);
    const std::uint64_t common = std::min(o.cpu_chips, chips);
    std::printf(
        "  gpu/cpu throughput ratio: %.1f; chips 0..%llu identical on both: %llu of %llu\n",
        g.inferences_per_s / c.inferences_per_s, static_cast<unsigned long long>(common - 1),
        static_cast<unsigned long long>(agreeing_chips(c.result, g.result, common, in.n_times())),
        static_cast<unsigned long long>(common));
    print_napkin(g, in, rows);
  }
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* sub =
      app.add_subcommand("bench", "Engine throughput on a fixed synthetic workload (CPU and GPU)");
  auto o = std::make_shared<BenchOptions>();
  sub->add_option("--backend", o->backend,
                  "engine under test: auto, cpu or cuda (the CPU is always the baseline)")
      ->capture_default_str();
  sub->add_option("--chips", o->chips,
                  "chips for the engine under test (0 = 4096 on a GPU, --cpu-chips on the CPU)")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->add_option("--cpu-chips", o->cpu_chips, "chips for the CPU baseline")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->add_option("--images", o->images, "synthetic images per chip")->capture_default_str();
  auto* inputs =
      sub->add_option("--inputs", o->inputs, "array rows (inputs)")->capture_default_str();
  auto* outputs =
      sub->add_option("--outputs", o->outputs, "outputs (the array has 2 columns per output)")
          ->capture_default_str();
  auto* timesteps = sub->add_option("--timesteps", o->timesteps,
                                    "timesteps T, one measurement each (comma separated; "
                                    "--network: 16 unless given)")
                        ->delimiter(',')
                        ->capture_default_str();
  sub->add_option("--network", o->network,
                  "a synthetic network instead of the 64x20 array: layer sizes, inputs first "
                  "(e.g. 784,256,10); C2C 0.1 and read noise 0.02, IR-drop only with --ir-drop");
  sub->add_option("--array-rows", o->array_rows,
                  "--network: rows of a physical array (0 = each layer's own)")
      ->capture_default_str();
  sub->add_option("--array-cols", o->array_cols,
                  "--network: columns of a physical array, even (0 = each layer's own)")
      ->capture_default_str();
  sub->add_flag("--all-nonidealities,!--ideal", o->nonidealities,
                "every non-ideality on (default) or an ideal chip")
      ->capture_default_str();
  auto* ir_drop = add_enum_option<IrDropModel>(sub, "--ir-drop", o->ir_drop,
                                               {{"none", IrDropModel::kNone},
                                                {"first_order", IrDropModel::kFirstOrder},
                                                {"nodal", IrDropModel::kNodal}},
                                               "IR-drop model with --all-nonidealities");
  sub->add_option("--threads", o->threads, "CPU threads (0 = all)")->capture_default_str();
  sub->add_option("--seed", o->seed, "seed of the synthetic workload and every random stream")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->callback([o, timesteps, ir_drop, inputs, outputs] {
    run_bench(*o, timesteps->count() > 0, ir_drop->count() > 0,
              inputs->count() + outputs->count() > 0);
  });
}

}  // namespace xbarmc::cli
