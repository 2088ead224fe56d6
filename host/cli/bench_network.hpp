// `xbarmc bench --network`: throughput of the engines on a synthetic network on chips of
// many arrays (DESIGN §2.7), the workload of the networks issue's targets: He-initialised
// layers n_in → hidden… → n_out mapped with the seed's device, features uniform in
// [0, 0.572) (mean 0.286, like Fashion-MNIST pixels/255), rate coding, scheme B 6-bit
// ADCs, IF neurons, I_fs and θ calibrated per layer; C2C 0.1 and read noise 0.02, and
// IR-drop only when --ir-drop is given (--ideal: none of them). Prints chip·image
// inferences per second and active-cell reads per second (active input rows × used
// columns of every array, summed over the layers and steps, as
// benchmarks/bench_network_engine.cpp counts them) for the CPU and, when present, the GPU
// in the same run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace xbarmc::cli {

struct NetworkBenchOptions {
  std::vector<int> sizes;  // n_in, hidden sizes…, n_out
  int array_rows = 0, array_cols = 0;
  int images = 1000;
  std::vector<int> timesteps = {16};
  bool nonidealities = true;
  bool ir_drop_given = false;  // --ir-drop on the command line
  IrDropModel ir_drop = IrDropModel::kNone;
  std::uint64_t chips = 0;  // engine under test; 0: 4096 on a GPU, cpu_chips on the CPU
  std::uint64_t cpu_chips = 8;
  int threads = 0;
  std::uint64_t seed = 1;
};

// "784,256,10" → {784, 256, 10}: at least an input and an output size; UserError naming
// --network otherwise.
std::vector<int> parse_network_sizes(const std::string& text);

// The workload for `timesteps` (exposed for the tests, which run it on the reference
// engine).
StudyInputs network_bench_workload(const NetworkBenchOptions& o, int timesteps);

// Active-cell reads of one inference, from the result's per-layer spike counts.
double active_cell_reads_per_inference(const StudyInputs& in, const ChipBatchResult& r);

// Runs and prints one measurement per --timesteps value.
void run_network_bench(const NetworkBenchOptions& o, const std::string& backend);

}  // namespace xbarmc::cli
