// Throughput of the CPU engine on networks on chips of many arrays (DESIGN §2.7), on
// the target workload of the networks issue: T = 16, rate coding, C2C 0.1, read noise
// 0.02, scheme B 6-bit ADCs, IF neurons; synthetic He-initialised weights mapped with the
// seed's device, features uniform in [0, 0.572) (mean 0.286, like Fashion-MNIST pixels/255),
// I_fs and θ calibrated per layer.
//   BM_Raw784x256x10_128  784→256→10 on 128×128 arrays (28 + 2 arrays). Target ≥ 2e4
//                         chip·image inferences/s on 2 cores.
//   BM_64x64x10_Own       64→64→10 on arrays of each layer's size (64×128, then 64×20).
//                         Target ≥ 3e5/s.
//   BM_OneLayer64x20      the seed's one-layer chip (64×20, the one-layer engine path)
//                         on the same features: the read rate the networks must reach,
//                         measured in the same run (target 2.5e6/s).
// Napkin math: an active cell read is the add of a and a² into a column's sums; the
// one-layer engine does ≈ 3.7e10 of them per second on 2 cores (2.5e6 inferences/s × 16
// steps × 32 rows × 20 columns × 2). `cell_reads_per_s` reports the same count here
// (active input rows × used columns of each array, both layers, per step), so the two
// engines compare directly; `vs_target` is inferences/s over the target.
#include <benchmark/benchmark.h>

#include <chrono>
#include <ctime>

#include "engine/cpu_engine.hpp"
#include "engine/network.hpp"
#include "engine/synthetic_workload.hpp"

namespace {

using xbarmc::StudyInputs;

StudyInputs workload(int n_in, std::vector<int> hidden, int rows, int cols, int images) {
  xbarmc::SyntheticNetworkSpec spec;
  spec.n_in = n_in;
  spec.hidden = std::move(hidden);
  spec.n_out = 10;
  spec.n_images = images;
  spec.timesteps = 16;
  spec.array_rows = rows;
  spec.array_cols = cols;
  spec.feature_max = 0.572;
  StudyInputs in = xbarmc::make_synthetic_network(spec);
  in.device.c2c_sigma = 0.1;
  in.device.read_sigma = 0.02;
  return in;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Mean active input rows per step of layer 0 (rate coding: Σ x) times the used columns of
// each array, plus the later layers at their measured spike rates: cell reads per inference.
double cell_reads_per_inference(const StudyInputs& in, const xbarmc::ChipBatchResult& r,
                                std::uint64_t chips) {
  double sum_x = 0.0;
  for (float x : in.features) sum_x += x;
  const double rows0 = sum_x / in.n_images();  // expected active inputs per step
  if (in.layers.empty()) return rows0 * in.n_cols() * in.readout.timesteps;  // one layer
  const xbarmc::Network net = xbarmc::make_network(in);
  double reads = 0.0;
  for (const xbarmc::NetworkLayer& layer : net.layers) {
    double active = rows0 / layer.in.n_in;  // fraction of the layer's inputs active
    if (&layer != &net.layers.front()) {
      const std::size_t l = static_cast<std::size_t>(&layer - &net.layers.front()) - 1;
      double spikes = 0.0;
      for (std::uint64_t c = 0; c < chips; ++c)
        spikes += static_cast<double>(r.layer_spikes[l * chips + c]);
      active = spikes / (static_cast<double>(chips) * in.n_images() * in.readout.timesteps *
                         net.layers[l].in.n_out);
    }
    for (int ai = layer.first_array; ai < layer.first_array + layer.n_arrays; ++ai) {
      const xbarmc::ArrayPlacement& a = net.arrays[static_cast<std::size_t>(ai)];
      reads += active * a.rows_used * 2.0 * a.outs_used;
    }
  }
  return reads * in.readout.timesteps;
}

void run(benchmark::State& state, const StudyInputs& in, std::uint64_t chips, double target) {
  const int threads = static_cast<int>(state.range(0));
  xbarmc::CpuEngine engine(threads);
  xbarmc::ChipBatchResult r;
  engine.run(in, 0, 1, r);  // builds the input spikes once, as a study would
  double seconds = 0.0, cpu_seconds = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = process_cpu_seconds();
    engine.run(in, 0, chips, r);
    cpu_seconds += process_cpu_seconds() - c0;
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(r.correct.data());
  }
  const double inferences = static_cast<double>(state.iterations()) * static_cast<double>(chips) *
                            in.n_images() * in.n_times();
  const double rate = inferences / seconds;
  state.counters["inf_per_s"] = rate;
  state.counters["vs_target"] = rate / target;
  state.counters["cpu_us_per_inf"] = 1e6 * cpu_seconds / inferences;
  state.counters["cell_reads_per_s"] = rate * cell_reads_per_inference(in, r, chips);
  double correct = 0.0;
  for (std::uint32_t c : r.correct) correct += c;
  state.counters["accuracy"] = correct / (static_cast<double>(chips) * in.n_images());
}

void BM_Raw784x256x10_128(benchmark::State& state) {
  static const StudyInputs in = workload(784, {256}, 128, 128, 1000);
  run(state, in, 4, 2e4);
}
BENCHMARK(BM_Raw784x256x10_128)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_64x64x10_Own(benchmark::State& state) {
  static const StudyInputs in = workload(64, {64}, 0, 0, 1000);
  run(state, in, 8, 3e5);
}
BENCHMARK(BM_64x64x10_Own)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same 64×20 layer as a one-layer study (no `layers`: the seed's engine path).
void BM_OneLayer64x20(benchmark::State& state) {
  static const StudyInputs in = [] {
    StudyInputs n = workload(64, {}, 0, 0, 1000);
    const xbarmc::LayerInputs layer = n.layers.front();  // interleaved: logical = physical
    n.g_target_s = layer.g_target_s;
    n.readout.i_fs_a = layer.i_fs_a;
    n.neuron.threshold = layer.threshold;
    n.layers.clear();
    return n;
  }();
  run(state, in, 64, 2.5e6);
}
BENCHMARK(BM_OneLayer64x20)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
