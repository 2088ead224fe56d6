#include "engine/cpu_engine.hpp"

#include <omp.h>

#include <fstream>
#include <vector>

#include "engine/chip_instance.hpp"
#include "engine/image_inference.hpp"
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

void CpuEngine::run(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                    ChipBatchResult& out) {
  validate_study_inputs(in, chip_begin, chip_end);
  if (!plan_built_ || plan_.fingerprint != input_fingerprint(in)) {
    build_input_plan(in, plan_);
    plan_built_ = true;
  }
  const InferenceSetup setup = make_inference_setup(in);
  const simd::Kernels& k = *kernels_;
  const auto n_chips = static_cast<std::int64_t>(chip_end - chip_begin);
  const int n_times = in.n_times(), n_images = in.n_images();
  out.chip_begin = chip_begin;
  out.chip_end = chip_end;
  out.correct.assign(static_cast<std::size_t>(n_times) * n_chips, 0);
  out.no_spike.assign(out.correct.size(), 0);
  out.saturated.assign(out.correct.size(), 0);
  const bool direct = in.readout.encoding == Encoding::kDirect;
  auto activations = [&](int image) { return direct ? plan_.image_activations(image) : nullptr; };

  if (n_chips >= threads_) {
    // Many chips: one chip per task, every image of it on one thread.
#pragma omp parallel num_threads(threads_)
    {
      ChipScratch scratch;
      std::vector<ReadMatrix> matrices;
      InferenceWorkspace w;
      w.prepare(setup);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t c = 0; c < n_chips; ++c) {
        const auto chip = static_cast<std::uint32_t>(chip_begin + static_cast<std::uint64_t>(c));
        build_chip_matrices(in, chip, scratch, matrices);
        for (int kt = 0; kt < n_times; ++kt) {
          std::uint32_t correct = 0, no_spike = 0;
          std::uint64_t saturated = 0;
          for (int image = 0; image < n_images; ++image) {
            const ImageOutcome o = infer_image(k, setup, matrices[kt], plan_, activations(image), image,
                                               in.image_ids[image], chip, kt, w);
            correct += o.predicted == in.labels[image] ? 1u : 0u;
            no_spike += o.no_spike ? 1u : 0u;
            saturated += o.saturated;
          }
          const std::size_t slot = static_cast<std::size_t>(kt) * n_chips + c;
          out.correct[slot] = correct;
          out.no_spike[slot] = no_spike;
          out.saturated[slot] = saturated;
        }
      }
    }
    return;
  }
  // Few chips (e.g. the nominal chip): chips in turn, images in parallel. Counts are
  // integer sums, so the split over threads cannot change them.
  ChipScratch scratch;
  std::vector<ReadMatrix> matrices;
  for (std::int64_t c = 0; c < n_chips; ++c) {
    const auto chip = static_cast<std::uint32_t>(chip_begin + static_cast<std::uint64_t>(c));
    build_chip_matrices(in, chip, scratch, matrices);
    for (int kt = 0; kt < n_times; ++kt) {
      std::uint32_t correct = 0, no_spike = 0;
      std::uint64_t saturated = 0;
#pragma omp parallel num_threads(threads_) reduction(+ : correct, no_spike, saturated)
      {
        InferenceWorkspace w;
        w.prepare(setup);
#pragma omp for schedule(static)
        for (int image = 0; image < n_images; ++image) {
          const ImageOutcome o = infer_image(k, setup, matrices[kt], plan_, activations(image), image,
                                             in.image_ids[image], chip, kt, w);
          correct += o.predicted == in.labels[image] ? 1u : 0u;
          no_spike += o.no_spike ? 1u : 0u;
          saturated += o.saturated;
        }
      }
      const std::size_t slot = static_cast<std::size_t>(kt) * n_chips + c;
      out.correct[slot] = correct;
      out.no_spike[slot] = no_spike;
      out.saturated[slot] = saturated;
    }
  }
}

}  // namespace xbarmc
