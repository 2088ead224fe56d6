// `xbarmc sweep`: a configuration sweep with the val/test protocol (DESIGN §2.6). The
// grid axes take comma-separated lists, the network axes (--hidden, --arrays)
// semicolon-separated alternatives (a TOML list each); the device options are `xbarmc
// mc`'s.
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "mpi/study_runner.hpp"
#include "study/mc_config.hpp"
#include "sweep/sweep_results_file.hpp"
#include "sweep/sweep_study.hpp"

namespace xbarmc::cli {

void add_sweep_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "sweep",
      "Sweep method x weight bits x hidden x arrays x scheme x ADC bits x timesteps (x reset) "
      "on val, pick best and recommendation, evaluate them once on test");
  auto c = std::make_shared<study::SweepConfig>();
  c->base.split = "val";
  const char* grid = "Grid (comma-separated lists; every combination is evaluated)";
  sub->add_option("--method", c->methods, "feature methods (a model is trained per method x bits)")
      ->delimiter(',')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--weight-bits", c->weight_bits, "bits per conductance level")
      ->delimiter(',')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--hidden", c->hidden,
                  "hidden layer alternatives, ';' between them: none (one layer) or sizes "
                  "input side first, e.g. \"none;64;256,64\" (a model is trained per method x "
                  "bits x hidden)")
      ->delimiter(';')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--arrays", c->arrays,
                  "physical array sizes ROWSxCOLS, ';' between them, e.g. \"0x0;128x128\" "
                  "(0 = each layer's own size)")
      ->delimiter(';')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--scheme", c->schemes, "readout schemes: A, B")
      ->delimiter(',')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--adc-bits", c->adc_bits, "ADC bits (0 = ideal)")
      ->delimiter(',')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--timesteps", c->timesteps, "timesteps per image")
      ->delimiter(',')
      ->group(grid)
      ->capture_default_str();
  sub->add_option("--reset", c->resets, "neuron resets: subtract, zero")
      ->delimiter(',')
      ->group(grid)
      ->capture_default_str();

  const char* sel = "Selection (val only)";
  sub->add_option("--objective", c->objective,
                  "what is maximised on val: nominal, mc_mean, mc_p5, yield (first --yield-spec)")
      ->group(sel)
      ->capture_default_str();
  sub->add_option("--tolerance", c->tolerance,
                  std::string("recommendation: the cheapest combination within this of the best "
                              "objective; ") +
                      study::kCostModelText)
      ->group(sel)
      ->capture_default_str();

  const char* mc = "Monte Carlo";
  sub->add_option("--data-dir", c->base.data_dir, "folder with the four IDX files")
      ->group(mc)
      ->capture_default_str();
  sub->add_option("--chips", c->base.chips, "chips per val evaluation")
      ->check(non_negative_integer())
      ->group(mc)
      ->capture_default_str();
  sub->add_option("--images", c->base.images, "first K val images per evaluation (0 = all)")
      ->group(mc)
      ->capture_default_str();
  sub->add_option("--test-chips", c->test_chips, "chips of each test evaluation (0 = --chips)")
      ->check(non_negative_integer())
      ->group(mc)
      ->capture_default_str();
  sub->add_option("--test-images", c->test_images, "first K test images (0 = all)")
      ->group(mc)
      ->capture_default_str();
  auto time = std::make_shared<double>(1.0);
  sub->add_option("--time", *time, "time after programming of every evaluation, s")
      ->group(mc)
      ->capture_default_str();
  sub->add_option("--seed", c->base.seed, "seed of every random stream")
      ->check(non_negative_integer())
      ->group(mc)
      ->capture_default_str();
  sub->add_option("--yield-spec", c->base.yield_specs,
                  "yield thresholds (the first is the objective 'yield')")
      ->delimiter(',')
      ->group(mc)
      ->capture_default_str();
  add_device_options(sub, c->base.device);
  add_programming_options(sub, c->base);
  const char* ro =
      "Readout and neurons (DESIGN 2.5; scheme, ADC bits, timesteps, reset are grid axes)";
  add_enum_option<Encoding>(sub, "--encoding", c->base.readout.encoding,
                            {{"rate", Encoding::kRate},
                             {"deterministic", Encoding::kDeterministic},
                             {"direct", Encoding::kDirect}},
                            "input encoding: rate, deterministic, direct")
      ->group(ro);
  sub->add_option("--v-read", c->base.readout.v_read_v, "read (spike) voltage, V")
      ->group(ro)
      ->capture_default_str();
  sub->add_option("--dac-bits", c->base.readout.dac_bits, "DAC bits of direct encoding (0 = ideal)")
      ->group(ro)
      ->capture_default_str();
  sub->add_option("--full-scale", c->base.full_scale,
                  "ADC full scale: calibrated, max or a current in A")
      ->group(ro)
      ->capture_default_str();
  sub->add_option("--leak", c->base.neuron.leak, "membrane leak beta")
      ->group(ro)
      ->capture_default_str();

  const char* tr = "Training (one model per method x weight bits x hidden, cached)";
  sub->add_flag("--bias", c->bias, "give every layer of every model a bias")->group(tr);
  sub->add_option("--bias-mode", c->bias_mode,
                  "bias on the chip: digital (added after the ADC) or row (an input row)")
      ->check(CLI::IsMember({"digital", "row"}))
      ->group(tr)
      ->capture_default_str();
  sub->add_flag("--qat", c->qat, "fine-tune every model with quantization-aware training")
      ->group(tr);
  sub->add_option("--epochs", c->epochs, "most float epochs (early stopping on val)")
      ->group(tr)
      ->capture_default_str();
  sub->add_option("--train-seed", c->train_seed, "seed of training")
      ->check(non_negative_integer())
      ->group(tr)
      ->capture_default_str();
  sub->add_option("--model-dir", c->model_dir, "model cache folder (default OUT.models)")
      ->group(tr);

  sub->add_option("--out", c->out_path, "results file (HDF5); the Markdown report is OUT.md")
      ->required();
  const char* run = "Running (never changes the results)";
  sub->add_option("--threads", c->base.threads, "CPU threads (0 = all)")
      ->group(run)
      ->capture_default_str();
  sub->add_option("--backend", c->base.backend, "auto, cpu or cuda")
      ->group(run)
      ->capture_default_str();
  sub->add_flag("--quiet", c->base.quiet, "no progress lines, only the summary")->group(run);
  sub->add_flag("--resume", c->base.resume, "continue an interrupted sweep (reuses OUT.runs/)")
      ->group(run);
  sub->add_flag("--keep-runs", c->keep_runs, "keep OUT.runs/: every evaluation's mc results file")
      ->group(run);
  sub->footer(
      "No --chips-from/--chips-to: selecting the best combination needs every chip of "
      "every combination, so a sweep is not split into shards for xbarmc merge. Scale it "
      "out with mpirun -n K xbarmc sweep instead (every mc run spread over the ranks).");
  sub->callback([c, time, sub] {
    c->base.times_s = {*time};
    study::run_study_command([&] { study::run_sweep_study(*c); });
  });
}

}  // namespace xbarmc::cli
