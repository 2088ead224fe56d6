#include "study/mc_study.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <thread>

#include "backend/backend.hpp"
#include "common/errors.hpp"
#include "common/launcher.hpp"
#include "engine/calibration.hpp"
#include "engine/validate.hpp"
#include "results/provenance.hpp"
#include "results/results_file.hpp"
#include "study/interrupt.hpp"
#include "study/network_study.hpp"
#include "study/progress.hpp"
#include "study/study_cache.hpp"
#include "study/study_inputs.hpp"
#include "study/summary_table.hpp"
#include "train/model_file.hpp"
#include "xbarmc/build_info.hpp"

namespace xbarmc::study {
namespace {

// Adaptive batches aim at this many seconds each: short enough that Ctrl-C answers
// quickly and little work is lost to a kill, long enough that the per-batch flush
// costs nothing.
constexpr double kBatchTargetS = 2.0;
constexpr std::uint64_t kMaxBatchChips = 4096;

}  // namespace

void validate_mc_settings(const McConfig& c) {
  validate_study_settings(c);
  validate_device(c.device);
  validate_readout(c.readout, false);
  NeuronParams n = c.neuron;
  n.threshold = 1.0;  // resolved later; only the other fields are checked here
  validate_neuron(n);
  validate_times(c.times_s);
  parse_full_scale(c.full_scale);
  parse_threshold_ratio(c.threshold_ratio);
  parse_backend(c.backend);
  if (c.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw UserError("--seed " + std::to_string(c.seed) + ": must be below 2^63");
  }
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(c.out_path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw UserError("--out " + c.out_path + ": folder " + parent.string() + " does not exist");
  }
  if (!c.resume && fs::exists(partial_path_for(c.out_path), ec)) {
    throw UserError(partial_path_for(c.out_path) +
                    " exists (an interrupted run): continue it with --resume or delete it");
  }
}

namespace {

// The resolved readout as a TOML comment under the settings: I_fs and θ (per layer).
std::string resolved_comment(const StudyInputs& in, double ratio, const NetworkCalibration& cal) {
  char line[200];
  if (in.layers.empty()) {
    std::snprintf(line, sizeof line,
                  "# resolved: full scale %.9g A, threshold ratio %.9g (threshold %.9g codes)\n",
                  in.readout.i_fs_a, ratio, in.neuron.threshold);
    return line;
  }
  std::string out;
  for (std::size_t l = 0; l < cal.layers.size(); ++l) {
    const LayerCalibration& k = cal.layers[l];
    std::snprintf(line, sizeof line,
                  "# resolved, layer %zu: full scale %.9g A, rho %.9g, threshold ratio %.9g "
                  "(threshold %.9g codes)\n",
                  l, k.i_fs_a, k.rho, k.ratio, k.threshold);
    out += line;
  }
  return out;
}

ResultsHeader make_header(const McConfig& c, const Model& model, const StudyInputs& in,
                          const Engine& engine, const std::string& model_checksum) {
  ResultsHeader h;
  Provenance& p = h.provenance;
  p.version = build_info::kVersion;
  p.git_describe = build_info::kGitDescribe;
  p.command_line = current_command_line();
  p.backend = engine.name();
  p.device_name = engine.device_name();
  p.created_utc = utc_now_iso8601();
  p.seed = c.seed;
  p.study_key = study_toml(c, model_checksum);
  h.times_s = c.times_s;
  h.chip_from = c.chips_from;
  h.n_chips = chip_range_end(c) - c.chips_from;
  h.n_images = static_cast<std::uint64_t>(in.n_images());
  h.split = c.split;
  h.i_fs_a = in.readout.i_fs_a;
  h.threshold = in.neuron.threshold;
  h.yield_specs = c.yield_specs;
  h.n_in = model.n_in();
  h.n_out = model.n_out();
  h.timesteps = in.readout.timesteps;
  h.verify = in.device.verify;
  if (in.layers.empty()) {  // the one-layer chip: its mapping as before
    const ModelLayer& layer = model.layers.front();
    h.g_target_s = single_layer_g_target(model);
    h.levels_pos.assign(layer.levels_pos.begin(), layer.levels_pos.end());
    h.levels_neg.assign(layer.levels_neg.begin(), layer.levels_neg.end());
  }
  return h;
}

[[noreturn]] void stop_interrupted(ResultsFile& rf, const McConfig& c, int signal) {
  rf.close();
  std::fprintf(stderr,
               "%s after %llu of %llu chips; %s holds them: rerun the same command with "
               "--resume to finish\n",
               signal ? "interrupted" : "stopped (--stop-after-batches)",
               static_cast<unsigned long long>(rf.chips_done()),
               static_cast<unsigned long long>(rf.n_chips()), partial_path_for(c.out_path).c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  std::exit(kInterruptedExitStatus);
}

// Runs the remaining chips batch by batch into `rf`.
void run_batches(const McConfig& c, const StudyInputs& in, Engine& engine, ResultsFile& rf) {
  InterruptGuard guard;
  Progress progress(rf.n_chips(), rf.chips_done(), Progress::mode_for_stderr(c.quiet),
                    c.progress_interval_s);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  // A GPU engine keeps the study on the device and wants large calls: start there, and
  // let the adaptive size grow up to it.
  const std::uint64_t preferred = engine.preferred_batch_chips();
  const std::uint64_t max_batch = std::max(kMaxBatchChips, preferred);
  std::uint64_t batch =
      c.batch_chips
          ? c.batch_chips
          : (preferred ? preferred : (c.threads > 0 ? static_cast<unsigned>(c.threads) : hw));
  int batches = 0;
  ChipBatchResult result;
  while (rf.chips_done() < rf.n_chips()) {
    // Global chip indices: a shard's chips are those chips of the whole study.
    const std::uint64_t begin = rf.chip_from() + rf.chips_done();
    const std::uint64_t end = std::min(rf.chip_from() + rf.n_chips(), begin + batch);
    const auto t0 = std::chrono::steady_clock::now();
    engine.run(in, begin, end, result);
    rf.append(result);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(rf.chips_done());
    ++batches;
    if (rf.chips_done() < rf.n_chips()) {
      if (InterruptGuard::signal_received() != 0) {
        progress.finish(rf.chips_done());
        stop_interrupted(rf, c, InterruptGuard::signal_received());
      }
      if (c.stop_after_batches > 0 && batches >= c.stop_after_batches) {
        progress.finish(rf.chips_done());
        stop_interrupted(rf, c, 0);
      }
    }
    if (c.batch_chips == 0 && seconds > 0.0) {
      const double ideal = static_cast<double>(end - begin) * kBatchTargetS / seconds;
      batch = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(ideal), 1,
                                        std::min<std::uint64_t>(max_batch, 2 * (end - begin) + 1));
    }
  }
  progress.finish(rf.chips_done());
}

}  // namespace

StudyOutcome run_mc_study(const McConfig& c, const EngineWrap& wrap, StudyCache* shared) {
  // Under a launcher every rank runs the command; mc studies then go through
  // run_mc_on_ranks (mpi/study_runner.hpp), which passes the wrap that splits the chips.
  // Without it each rank would compute and write the whole study.
  if (!wrap && launcher_world_size() > 1) {
    throw InternalError("an mc study under an MPI launcher outside run_mc_on_ranks");
  }
  validate_mc_settings(c);
  StudyCache own;
  StudyCache& cache = shared ? *shared : own;
  const Model& model = cache.model(c);
  const std::string model_checksum = cache.model_checksum(c.model_path);
  std::string note;
  std::unique_ptr<Engine> engine = borrow_engine(cache.engine(c, &note));
  if (wrap) engine = wrap(std::move(engine));

  const std::string key = study_toml(c, model_checksum);
  std::unique_ptr<ResultsFile> rf;
  StudyInputs in;
  if (c.resume) {
    rf = std::make_unique<ResultsFile>(ResultsFile::resume(c.out_path, key));
    in = make_study_inputs(model, cache.split(c, c.split, c.images), c);
    const ResultsReadout saved = rf->readout();
    in.readout.i_fs_a = saved.i_fs_a;
    in.neuron.threshold = saved.threshold;
    if (!in.layers.empty()) restore_network_readout(rf->network(), in);
    rf->note_resumed(utc_now_iso8601(), engine->name(), current_command_line());
    if (!c.quiet) {
      std::fprintf(stderr, "resuming %s at chip %llu of %llu\n",
                   partial_path_for(c.out_path).c_str(),
                   static_cast<unsigned long long>(rf->chips_done()),
                   static_cast<unsigned long long>(rf->n_chips()));
    }
  } else {
    PreparedStudy p = cache.prepare(c);
    in = std::move(p.in);
    validate_readout(in.readout, true);
    validate_neuron(in.neuron);
    ResultsHeader h = make_header(c, model, in, *engine, model_checksum);
    if (!in.layers.empty()) h.network = network_record(model, in, p.network);
    h.threshold_ratio = p.threshold_ratio;
    h.refs = p.refs;
    for (const YieldSpec& s : parse_yield_specs(c.yield_specs)) {
      h.yield_thresholds.push_back(yield_threshold(s, h.refs));
    }
    h.provenance.config_toml =
        full_toml(c, model_checksum) + resolved_comment(in, p.threshold_ratio, p.network);
    rf = std::make_unique<ResultsFile>(ResultsFile::create(c.out_path, h));
  }
  if (!c.quiet) {
    if (!note.empty()) std::fprintf(stderr, "%s\n", note.c_str());
    std::fprintf(stderr,
                 "mc: chips [%llu, %llu) of %llu x %zu times on %d %s images, backend %s (%s)\n",
                 static_cast<unsigned long long>(c.chips_from),
                 static_cast<unsigned long long>(chip_range_end(c)),
                 static_cast<unsigned long long>(c.chips), c.times_s.size(), in.n_images(),
                 c.split.c_str(), engine->name().c_str(), engine->device_name().c_str());
  }
  run_batches(c, in, *engine, *rf);
  const StudyOutcome outcome = rf->finish();
  if (c.print_summary) {
    print_summary_table(outcome, rf->references(), stdout);
    if (outcome.verify_mean_pulses == outcome.verify_mean_pulses) {
      std::printf("write-verify: %.4f pulses per cell, %.4f%% of cells missed the tolerance\n",
                  outcome.verify_mean_pulses, 100.0 * outcome.verify_failed_fraction);
    }
    std::printf("wrote %s\n", c.out_path.c_str());
  }
  return outcome;
}

}  // namespace xbarmc::study
