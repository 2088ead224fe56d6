#include "engine/cpu_engine.hpp"

#include <omp.h>

#include <fstream>
#include <vector>

#include "engine/chip_instance.hpp"
#include "engine/image_inference.hpp"
#include "engine/network_inference.hpp"
#include "engine/validate.hpp"

namespace xbarmc {

std::string cpu_model_name() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "CPU";
}

CpuEngine::CpuEngine(int threads, const simd::Kernels* kernels)
    : threads_(threads > 0 ? threads : omp_get_max_threads()),
      kernels_(kernels ? kernels : &simd::best_kernels()) {}

std::string CpuEngine::device_name() const {
  return cpu_model_name() + " (" + std::to_string(threads_) + " threads, " + kernels_->name + ")";
}

namespace {

// One (chip, time) slot's counts into `out` (layout of ChipBatchResult).
void store(ChipBatchResult& out, std::size_t slot, const NetworkTally& t) {
  const std::size_t per_layer = out.correct.size();
  out.correct[slot] = t.correct;
  out.no_spike[slot] = t.no_spike;
  std::uint64_t saturated = 0;
  for (std::size_t l = 0; l < t.saturated.size(); ++l) {
    out.layer_saturated[l * per_layer + slot] = t.saturated[l];
    out.layer_spikes[l * per_layer + slot] = t.spikes[l];
    saturated += t.saturated[l];
  }
  out.saturated[slot] = saturated;
}

void store_verify(ChipBatchResult& out, std::size_t chip, const VerifyTally& v) {
  out.verify_pulses[chip] = v.pulses;
  out.verify_failures[chip] = v.failures;
  out.verify_cells[chip] = v.cells;
}

// The seed's chip (one layer on one array of its size): one ReadMatrix per chip and
// time, images through infer_image (image_inference.hpp).
class SingleArrayRun {
 public:
  SingleArrayRun(const StudyInputs& in, const InputPlan& plan, const simd::Kernels& k)
      : in_(in), plan_(plan), k_(k), setup_(make_inference_setup(in, k, plan.words)) {}

  struct Thread {
    ChipScratch scratch;
    std::vector<ReadMatrix> matrices;
    InferenceWorkspace w;
  };
  void prepare(Thread& th) const { th.w.prepare(setup_); }
  VerifyTally build(std::uint32_t chip, Thread& th) const {
    build_chip_matrices(in_, chip, setup_.layout, th.scratch, th.matrices);
    return {};
  }
  void run(const Thread& built, std::uint32_t chip, int k, int begin, int end, Thread& th,
           NetworkTally& tally) const {
    if (tally.saturated.size() != 1) tally.reset(1);
    const bool direct = in_.readout.encoding == Encoding::kDirect;
    for (int image = begin; image < end; ++image) {
      const ImageOutcome o =
          infer_image(k_, setup_, built.matrices[static_cast<std::size_t>(k)], plan_,
                      direct ? plan_.image_activations(image) : nullptr, image,
                      in_.image_ids[static_cast<std::size_t>(image)], chip, k, th.w);
      tally.correct += o.predicted == in_.labels[static_cast<std::size_t>(image)] ? 1u : 0u;
      tally.no_spike += o.no_spike ? 1u : 0u;
      tally.saturated[0] += o.saturated;
      tally.spikes[0] += o.spikes;
    }
  }

 private:
  const StudyInputs& in_;
  const InputPlan& plan_;
  const simd::Kernels& k_;
  InferenceSetup setup_;
};

// A network on many arrays (network_inference.hpp): the chip programmed once, its
// arrays read at each time.
class NetworkRun {
 public:
  NetworkRun(const StudyInputs& in, const Network& net, const InputPlan& plan,
             const simd::Kernels& k)
      : in_(in), net_(net), runner_(in, net, plan, k) {}

  struct Thread {
    NetworkChipScratch scratch;
    NetworkChip chip;
    std::vector<std::vector<ArrayRows>> arrays;  // per time
    NetworkRunner::Workspace w;
  };
  void prepare(Thread&) const {}
  VerifyTally build(std::uint32_t chip, Thread& th) const {
    program_network_chip(in_, net_, chip, th.scratch, th.chip);
    th.arrays.resize(in_.times_s.size());
    for (std::size_t k = 0; k < in_.times_s.size(); ++k) {
      runner_.read_chip(th.chip, in_.times_s[k], th.scratch, th.arrays[k]);
    }
    return th.chip.verify;
  }
  void run(const Thread& built, std::uint32_t chip, int k, int begin, int end, Thread& th,
           NetworkTally& tally) const {
    runner_.run_images(built.arrays[static_cast<std::size_t>(k)], chip, k, begin, end, th.w, tally);
  }

 private:
  const StudyInputs& in_;
  const Network& net_;
  NetworkRunner runner_;
};

// Chips [chip_begin, chip_end) with `threads` threads: one chip per task when there are
// at least as many chips as threads, else chips in turn with their images in parallel
// (counts are integer sums, so the split cannot change them).
template <class Run>
void run_chips(const Run& run, const StudyInputs& in, int n_layers, std::uint64_t chip_begin,
               std::uint64_t chip_end, int threads, ChipBatchResult& out) {
  const auto n_chips = static_cast<std::int64_t>(chip_end - chip_begin);
  const int n_times = in.n_times(), n_images = in.n_images();
  if (n_chips >= threads) {
#pragma omp parallel num_threads(threads)
    {
      typename Run::Thread th;
      run.prepare(th);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t c = 0; c < n_chips; ++c) {
        const auto chip = static_cast<std::uint32_t>(chip_begin + static_cast<std::uint64_t>(c));
        store_verify(out, static_cast<std::size_t>(c), run.build(chip, th));
        for (int k = 0; k < n_times; ++k) {
          NetworkTally tally;
          tally.reset(n_layers);
          run.run(th, chip, k, 0, n_images, th, tally);
          store(out, static_cast<std::size_t>(k) * n_chips + c, tally);
        }
      }
    }
    return;
  }
  typename Run::Thread built;
  for (std::int64_t c = 0; c < n_chips; ++c) {
    const auto chip = static_cast<std::uint32_t>(chip_begin + static_cast<std::uint64_t>(c));
    store_verify(out, static_cast<std::size_t>(c), run.build(chip, built));
    for (int k = 0; k < n_times; ++k) {
      NetworkTally total;
      total.reset(n_layers);
      constexpr int kImagesPerTask = 64;
      const int tasks = (n_images + kImagesPerTask - 1) / kImagesPerTask;
#pragma omp parallel num_threads(threads)
      {
        typename Run::Thread th;
        run.prepare(th);
        NetworkTally mine;
        mine.reset(n_layers);
#pragma omp for schedule(dynamic, 1)
        for (int task = 0; task < tasks; ++task) {
          const int begin = task * kImagesPerTask;
          run.run(built, chip, k, begin, std::min(n_images, begin + kImagesPerTask), th, mine);
        }
#pragma omp critical
        total.add(mine);
      }
      store(out, static_cast<std::size_t>(k) * n_chips + c, total);
    }
  }
}

}  // namespace

void CpuEngine::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                    ChipBatchResult& out) {
  validate_study_inputs(in, chip_begin, chip_end);
  const Network net = make_network(in);
  if (!plan_built_ || plan_.fingerprint != input_fingerprint(in)) {
    build_input_plan(in, plan_);
    plan_built_ = true;
  }
  out.reset(chip_begin, chip_end, in.n_times(), net.n_layers());
  if (net.is_single_array() && in.layers.empty()) {
    run_chips(SingleArrayRun(in, plan_, *kernels_), in, 1, chip_begin, chip_end, threads_, out);
  } else {
    run_chips(NetworkRun(in, net, plan_, *kernels_), in, net.n_layers(), chip_begin, chip_end,
              threads_, out);
  }
}

}  // namespace xbarmc
