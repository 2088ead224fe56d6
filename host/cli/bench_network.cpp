#include "cli/bench_network.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "backend/backend.hpp"
#include "common/errors.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/network.hpp"
#include "engine/synthetic_workload.hpp"
#include "stats/checksum.hpp"

namespace xbarmc::cli {
namespace {

constexpr int kMaxLayerSize = 65535;  // as xbarmc train's --hidden
constexpr double kFeatureMax = 0.572;

struct Measurement {
  std::string label;
  std::uint64_t chips = 0;
  double seconds = 0.0, inferences_per_s = 0.0, cell_reads_per_s = 0.0;
  ChipBatchResult result;
};

// Engine::run wall time for chips [0, chips), after one untimed 1-chip run (CUDA context,
// the CPU engine's input spikes).
Measurement measure(Engine& engine, const StudyInputs& in, std::uint64_t chips) {
  Measurement m;
  m.label = engine.name() + " (" + engine.device_name() + ")";
  m.chips = chips;
  ChipBatchResult warm;
  engine.run(in, 0, 1, warm);
  const auto start = std::chrono::steady_clock::now();
  engine.run(in, 0, chips, m.result);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.inferences_per_s = static_cast<double>(chips) * in.n_images() * in.n_times() / m.seconds;
  m.cell_reads_per_s = m.inferences_per_s * active_cell_reads_per_inference(in, m.result);
  return m;
}

void print(const Measurement& m, const StudyInputs& in) {
  std::uint64_t correct = 0;
  for (std::uint32_t c : m.result.correct) correct += c;
  std::printf(
      "  %-60s %6llu chips in %8.3f s: %.3e inferences/s, %.3e active-cell reads/s, mean "
      "accuracy %.4f, checksum %s\n",
      m.label.c_str(), static_cast<unsigned long long>(m.chips), m.seconds, m.inferences_per_s,
      m.cell_reads_per_s,
      static_cast<double>(correct) / (static_cast<double>(m.chips) * in.n_images() * in.n_times()),
      hex64(study::counts_checksum(m.result.correct)).c_str());
}

// Per layer, spike rate (spikes / (images · T · n_l)) and saturated reads per image.
void print_layers(const Measurement& m, const StudyInputs& in) {
  const std::size_t per_layer = m.result.correct.size();
  const double images = static_cast<double>(per_layer) * in.n_images();
  for (std::size_t l = 0; l < in.layers.size(); ++l) {
    double spikes = 0.0, saturated = 0.0;
    for (std::size_t q = 0; q < per_layer; ++q) {
      spikes += static_cast<double>(m.result.layer_spikes[l * per_layer + q]);
      saturated += static_cast<double>(m.result.layer_saturated[l * per_layer + q]);
    }
    std::printf("    layer %zu (%d -> %d): spike rate %.4f, %.2f saturated ADC reads per image\n",
                l, in.layers[l].n_in, in.layers[l].n_out,
                spikes / (images * in.readout.timesteps * in.layers[l].n_out), saturated / images);
  }
}

// Chips [0, n) of both runs with identical counts (correct, no-spike, saturated, and every
// layer's spikes and saturation) at every time.
std::uint64_t agreeing_chips(const ChipBatchResult& a, const ChipBatchResult& b, std::uint64_t n,
                             int n_times, int n_layers) {
  const std::uint64_t na = a.chip_end - a.chip_begin, nb = b.chip_end - b.chip_begin;
  std::uint64_t same = 0;
  for (std::uint64_t c = 0; c < n; ++c) {
    bool equal = true;
    for (int k = 0; k < n_times; ++k) {
      equal = equal && a.correct[k * na + c] == b.correct[k * nb + c] &&
              a.no_spike[k * na + c] == b.no_spike[k * nb + c] &&
              a.saturated[k * na + c] == b.saturated[k * nb + c];
      for (int l = 0; l < n_layers; ++l) {
        const std::uint64_t ia = (l * n_times + k) * na + c, ib = (l * n_times + k) * nb + c;
        equal = equal && a.layer_spikes[ia] == b.layer_spikes[ib] &&
                a.layer_saturated[ia] == b.layer_saturated[ib];
      }
    }
    same += equal ? 1 : 0;
  }
  return same;
}

std::string describe(const NetworkBenchOptions& o, const StudyInputs& in) {
  const Network net = make_network(in);
  std::string shape = std::to_string(in.n_in);
  for (const LayerInputs& l : in.layers) shape += "x" + std::to_string(l.n_out);
  // Per layer, "<count> of <rows>x<cols>" (each layer has its own size with --array-* 0).
  std::string arrays;
  for (const NetworkLayer& l : net.layers) {
    arrays += (arrays.empty() ? "" : " + ") + std::to_string(l.n_arrays) + " of " +
              std::to_string(l.array_rows) + "x" + std::to_string(l.array_cols);
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "network %s on %zu arrays (%s), T=%d, rate coding, %s, ADC B %d-bit, IF, "
                "IR-drop %s, %d images",
                shape.c_str(), net.arrays.size(), arrays.c_str(), in.readout.timesteps,
                o.nonidealities ? "C2C 0.1, read noise 0.02" : "ideal chip", in.readout.adc_bits,
                in.device.ir_drop == IrDropModel::kNodal        ? "nodal"
                : in.device.ir_drop == IrDropModel::kFirstOrder ? "first_order"
                                                                : "none",
                in.n_images());
  return buf;
}

}  // namespace

std::vector<int> parse_network_sizes(const std::string& text) {
  std::vector<int> sizes;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = text.find(',', at);
    const std::string part = text.substr(at, comma == std::string::npos ? comma : comma - at);
    char* end = nullptr;
    const long v = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || end != part.c_str() + part.size() || v < 1 || v > kMaxLayerSize) {
      throw UserError("--network '" + text + "': expected layer sizes 1.." +
                      std::to_string(kMaxLayerSize) +
                      ", inputs first and outputs last, comma separated (e.g. 784,256,10)");
    }
    sizes.push_back(static_cast<int>(v));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (sizes.size() < 2) {
    throw UserError("--network '" + text + "': give at least the inputs and the outputs");
  }
  if (sizes.back() < 2 || sizes.back() > 255) {
    throw UserError("--network '" + text + "': the last layer has 2..255 outputs (the classes)");
  }
  return sizes;
}

StudyInputs network_bench_workload(const NetworkBenchOptions& o, int timesteps) {
  SyntheticNetworkSpec spec;
  spec.n_in = o.sizes.front();
  spec.hidden.assign(o.sizes.begin() + 1, o.sizes.end() - 1);
  spec.n_out = o.sizes.back();
  spec.n_images = o.images;
  spec.timesteps = timesteps;
  spec.array_rows = o.array_rows;
  spec.array_cols = o.array_cols;
  spec.feature_max = kFeatureMax;
  spec.seed = o.seed;
  StudyInputs in = make_synthetic_network(spec);  // I_fs and θ on the ideal chip
  if (o.nonidealities) {
    in.device.c2c_sigma = 0.1;
    in.device.read_sigma = 0.02;
    if (o.ir_drop_given) in.device.ir_drop = o.ir_drop;
  }
  return in;
}

double active_cell_reads_per_inference(const StudyInputs& in, const ChipBatchResult& r) {
  const Network net = make_network(in);
  const std::size_t per_layer = r.correct.size();  // times × chips
  double sum_x = 0.0;
  for (float x : in.features) sum_x += x;
  double reads = 0.0;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const NetworkLayer& layer = net.layers[l];
    // The fraction of the layer's inputs that spike in a step: Σx / n_in for rate-coded
    // pixels, the measured spike rate of the layer before for the others.
    double active = sum_x / (static_cast<double>(in.n_images()) * layer.in.n_in);
    if (l > 0) {
      double spikes = 0.0;
      for (std::size_t q = 0; q < per_layer; ++q)
        spikes += static_cast<double>(r.layer_spikes[(l - 1) * per_layer + q]);
      active = spikes / (static_cast<double>(per_layer) * in.n_images() * in.readout.timesteps *
                         net.layers[l - 1].in.n_out);
    }
    for (int ai = layer.first_array; ai < layer.first_array + layer.n_arrays; ++ai) {
      const ArrayPlacement& a = net.arrays[static_cast<std::size_t>(ai)];
      reads += active * a.rows_used * 2.0 * a.outs_used;
    }
  }
  return reads * in.readout.timesteps;
}

void run_network_bench(const NetworkBenchOptions& o, const std::string& backend) {
  if (o.ir_drop_given && !o.nonidealities) {
    throw UserError("--ir-drop: an --ideal chip has no IR-drop");
  }
  std::string note;
  std::unique_ptr<Engine> engine = make_engine(parse_backend(backend), o.threads, &note);
  if (!note.empty()) std::fprintf(stderr, "%s\n", note.c_str());
  const bool gpu = engine->name() != "cpu";
  const std::uint64_t chips = o.chips ? o.chips : (gpu ? 4096 : o.cpu_chips);
  CpuEngine cpu(o.threads);
  for (int t : o.timesteps) {
    const StudyInputs in = network_bench_workload(o, t);
    std::printf("xbarmc bench: %s\n", describe(o, in).c_str());
    if (!gpu) {
      const Measurement m = measure(*engine, in, chips);
      print(m, in);
      print_layers(m, in);
      continue;
    }
    const Measurement c = measure(cpu, in, o.cpu_chips);
    const Measurement g = measure(*engine, in, chips);
    print(c, in);
    print(g, in);
    print_layers(g, in);
    const std::uint64_t common = std::min(o.cpu_chips, chips);
    std::printf("  gpu/cpu throughput ratio: %.1f; chips 0..%llu identical on both: %llu of %llu\n",
                g.inferences_per_s / c.inferences_per_s,
                static_cast<unsigned long long>(common - 1),
                static_cast<unsigned long long>(agreeing_chips(
                    c.result, g.result, common, in.n_times(), static_cast<int>(in.layers.size()))),
                static_cast<unsigned long long>(common));
  }
}

}  // namespace xbarmc::cli
