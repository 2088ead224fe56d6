// Throughput of the CUDA engine on the bench workload (DESIGN §2.6 `bench`): 64×20
// array, rate coding, D2D 0.05, C2C 0.1, stuck cells, drift with compensation, read
// noise 0.02, nodal IR-drop, scheme B 6-bit ADC, T = 16 and 32; 4096 chips × 1000
// images per call. Counters: chip·image inferences/s, synaptic events/s (active rows ×
// columns per step, what the kernel processes), cell reads/s (every cell at every step),
// and the fraction of the napkin-math bound (host/backend/napkin_model.hpp).
// Targets (issue 13, H100/H200): ≥ 1e9 inferences/s at T = 16, ≥ 40 % of the bound.
// Without a device (or without CUDA support) every case reports an error and skips.
#include <benchmark/benchmark.h>

#include <chrono>

#include "engine/input_plan.hpp"
#include "engine/synthetic_workload.hpp"
#ifdef XBARMC_WITH_CUDA
#include "backend/napkin_model.hpp"
#include "cuda_engine.hpp"
#include "device_info.hpp"
#endif

namespace {

#ifdef XBARMC_WITH_CUDA
xbarmc::StudyInputs bench_workload(int steps) {
  xbarmc::SyntheticSpec spec;
  spec.n_images = 1000;
  spec.timesteps = steps;
  xbarmc::StudyInputs in = xbarmc::make_synthetic_study(spec);
  xbarmc::DeviceParams& d = in.device;
  d.d2d_sigma = 0.05;
  d.c2c_sigma = 0.1;
  d.p_stuck_on = d.p_stuck_off = 0.001;
  d.nu_mean = 0.01;
  d.nu_std = 0.005;
  d.drift_compensation = true;
  d.read_sigma = 0.02;
  d.ir_drop = xbarmc::IrDropModel::kNodal;
  in.times_s = {86400.0};
  return in;
}
#endif

void BM_CudaEngine(benchmark::State& state) {
#ifdef XBARMC_WITH_CUDA
  if (xbarmc::cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const int steps = static_cast<int>(state.range(0));
  const std::uint64_t chips = 4096;
  const xbarmc::StudyInputs in = bench_workload(steps);
  auto engine = xbarmc::cuda::make_cuda_engine(0);
  xbarmc::ChipBatchResult r;
  engine->run(in, 0, 1, r);  // context and module load
  double seconds = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    engine->run(in, 0, chips, r);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(r.correct.data());
  }
  const double rate = static_cast<double>(state.iterations()) * chips * in.n_images() / seconds;
  xbarmc::InputPlan plan;
  xbarmc::build_input_plan(in, plan);
  double spikes = 0.0;
  for (std::uint64_t m : plan.masks) spikes += __builtin_popcountll(m);
  const double active_rows = spikes / (static_cast<double>(in.n_images()) * steps);
  state.counters["inf_per_s"] = rate;
  state.counters["synaptic_events_per_s"] = rate * steps * active_rows * in.n_cols();
  state.counters["cell_reads_per_s"] = rate * steps * in.n_in * in.n_cols();
  xbarmc::cuda::NapkinWorkload w;
  w.timesteps = steps;
  w.n_images = in.n_images();
  w.slots_per_time = 2;
  w.active_rows = active_rows;
  const xbarmc::cuda::DeviceSpecs s = xbarmc::cuda::device_specs(0);
  const auto bound = xbarmc::cuda::napkin_bound(xbarmc::cuda::napkin_cost(w), s.sm_count,
                                                s.clock_hz, s.memory_bytes_per_s);
  state.counters["bound_inf_per_s"] = bound.bound();
  state.counters["of_bound"] = rate / bound.bound();
  state.SetLabel(engine->device_name());
#else
  state.SkipWithError("built without CUDA support");
#endif
}
BENCHMARK(BM_CudaEngine)->Arg(16)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
