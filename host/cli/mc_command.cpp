// `xbarmc mc`: the Monte Carlo yield study (DESIGN §2.6, §3). Every device, readout
// and neuron knob is an option and, through --config, a TOML key of the same name.
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "mpi/study_runner.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::cli {

CLI::Validator non_negative_integer() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const std::size_t first = value.find_first_not_of(" \t");
        if (first != std::string::npos && value[first] == '-') {
          return "'" + value + "' is negative: expected a whole number >= 0";
        }
        return "";
      },
      "", "non-negative");
}

void add_device_options(CLI::App* sub, DeviceParams& d) {
  const char* g = "Device (DESIGN 2.4)";
  sub->add_option("--d2d-sigma", d.d2d_sigma, "chip-to-chip sigma: G *= exp(sigma*xi_chip)")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--a2a-sigma", d.a2a_sigma,
                  "array-to-array sigma: every cell of an array *= exp(sigma*xi_array)")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--c2c-sigma", d.c2c_sigma, "cell-to-cell sigma of the programmed conductance")
      ->group(g)
      ->capture_default_str();
  add_enum_option<C2cModel>(
      sub, "--c2c-model", d.c2c_model,
      {{"lognormal", C2cModel::kLognormal}, {"gaussian", C2cModel::kGaussian}},
      "lognormal: G*exp(s*xi); gaussian: max(0, G*(1+s*xi))")
      ->group(g);
  sub->add_option("--p-stuck-on", d.p_stuck_on, "probability that a cell is stuck at g_max")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--p-stuck-off", d.p_stuck_off, "probability that a cell is stuck at g_min")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--nu-mean", d.nu_mean, "mean drift exponent: G(t) = G*(t/t0)^-nu")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--nu-std", d.nu_std, "cell-to-cell std of the drift exponent")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--drift-spread", d.drift_spread,
                  "rho of the log-time spread (1 + rho*ln(t/t0)*zeta)")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--t0", d.t0_s, "drift reference time after programming, s")
      ->group(g)
      ->capture_default_str();
  sub->add_flag("--drift-compensation", d.drift_compensation,
                "one digital gain per chip and time from an all-ones read")
      ->group(g);
  add_enum_option<IrDropModel>(sub, "--ir-drop", d.ir_drop,
                               {{"none", IrDropModel::kNone},
                                {"first_order", IrDropModel::kFirstOrder},
                                {"nodal", IrDropModel::kNodal}},
                               "IR-drop model: none, first_order, nodal")
      ->group(g);
  sub->add_option("--r-wl", d.r_wl_ohm, "word-line segment resistance, ohm")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--r-bl", d.r_bl_ohm, "bit-line segment resistance, ohm")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--read-sigma", d.read_sigma, "relative per-cell read noise")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--read-sigma-abs", d.read_sigma_abs_a, "absolute read noise per column, A")
      ->group(g)
      ->capture_default_str();
}

void add_programming_options(CLI::App* sub, study::McConfig& c) {
  const char* g = "Measured devices and programming (DESIGN 2.8)";
  sub->add_option("--device-table", c.device_table,
                  "CSV level table level,g_s,c2c_sigma,nu_mean,nu_std,read_sigma: the levels' "
                  "conductances and statistics (columns left out take the scalar options)")
      ->group(g);
  DeviceParams& d = c.device;
  sub->add_option_function<double>(
         "--verify-tolerance",
         [&d](double eps) {
           d.verify = true;
           d.verify_tolerance = eps;
         },
         "write-verify: reprogram a cell until its C2C factor f has |f - 1| <= this [off]")
      ->type_name("FLOAT")
      ->group(g);
  sub->add_option("--verify-max-pulses", d.verify_max_pulses,
                  "write-verify: programming pulses per cell at most")
      ->group(g)
      ->capture_default_str();
}

void add_readout_options(CLI::App* sub, study::McConfig& c) {
  const char* g = "Readout and neurons (DESIGN 2.5)";
  ReadoutParams& r = c.readout;
  NeuronParams& n = c.neuron;
  add_enum_option<Encoding>(sub, "--encoding", r.encoding,
                            {{"rate", Encoding::kRate},
                             {"deterministic", Encoding::kDeterministic},
                             {"direct", Encoding::kDirect}},
                            "input encoding: rate, deterministic, direct")
      ->group(g);
  sub->add_option("--timesteps", r.timesteps, "timesteps per image")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--v-read", r.v_read_v, "read (spike) voltage, V")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--dac-bits", r.dac_bits, "DAC bits of direct encoding (0 = ideal)")
      ->group(g)
      ->capture_default_str();
  add_enum_option<Scheme>(sub, "--scheme", r.scheme, {{"A", Scheme::kA}, {"B", Scheme::kB}},
                          "readout: A analog differential, B per-column ADCs")
      ->group(g);
  sub->add_option("--adc-bits", r.adc_bits, "ADC bits (0 = ideal)")
      ->group(g)
      ->capture_default_str();
  sub->add_option(
         "--full-scale", c.full_scale,
         "ADC full scale: calibrated, max, a current in A, or one per layer (comma separated)")
      ->group(g)
      ->capture_default_str();
  add_enum_option<Reset>(sub, "--reset", n.reset,
                         {{"subtract", Reset::kSubtract}, {"zero", Reset::kZero}},
                         "neuron reset: subtract or zero")
      ->group(g);
  sub->add_option("--leak", n.leak, "membrane leak beta in v = beta*v + diff")
      ->group(g)
      ->capture_default_str();
  sub->add_option("--threshold-ratio", c.threshold_ratio,
                  "threshold / its reference, or calibrate (best of a grid on val); one value "
                  "(the output layer's) or one per layer (comma separated)")
      ->group(g)
      ->capture_default_str();
  const char* a = "Arrays (DESIGN 2.7)";
  sub->add_option("--array-rows", c.array_rows,
                  "rows of a physical array; layers are cut into arrays (0 = each layer's own)")
      ->group(a)
      ->capture_default_str();
  sub->add_option("--array-cols", c.array_cols,
                  "columns of a physical array, even: two per output (0 = each layer's own)")
      ->group(a)
      ->capture_default_str();
}

void add_chip_range_options(CLI::App* sub, study::McConfig& c) {
  sub->add_option("--chips-from", c.chips_from,
                  "first chip of this shard (global index; default 0)")
      ->check(non_negative_integer());
  sub->add_option("--chips-to", c.chips_to,
                  "end of this shard's chips, exclusive (default: --chips)")
      ->check(non_negative_integer());
}

// --times as given: every value a number of seconds; none at all is an error.
std::vector<double> parse_times(const std::vector<std::string>& texts) {
  std::vector<double> times;
  for (const std::string& t : texts) {
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size()) {
      throw UserError("--times value '" + t + "' is not a number of seconds");
    }
    times.push_back(v);
  }
  if (times.empty()) throw UserError("--times is empty: give at least one time in seconds");
  return times;
}

void add_study_options(CLI::App* sub, study::McConfig& c, std::vector<std::string>& times,
                       const StudyOptionTexts& texts) {
  sub->add_option("--model", c.model_path, "model file from xbarmc train")->required();
  sub->add_option("--data-dir", c.data_dir, "folder with the four IDX files")
      ->capture_default_str();
  sub->add_option("--chips", c.chips, "number of chip instances")
      ->check(non_negative_integer())
      ->capture_default_str();
  add_chip_range_options(sub, c);
  sub->add_option("--split", c.split, "data split: val or test")->capture_default_str();
  sub->add_option("--images", c.images, "first K images of the split (0 = all)")
      ->capture_default_str();
  sub->add_option("--times", times, texts.times)->delimiter(',');
  sub->add_option("--seed", c.seed, "seed of every random stream")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->add_option("--yield-spec", c.yield_specs,
                  "yield thresholds: accuracies (0.75) or float-1pp, mapped-1pp, nominal-1pp")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--out", c.out_path, "results file (HDF5)")->required();
  add_device_options(sub, c.device);
  add_programming_options(sub, c);
  add_readout_options(sub, c);
  const char* g = "Running (never changes the results)";
  sub->add_option("--threads", c.threads, "CPU threads (0 = all)")->group(g)->capture_default_str();
  sub->add_option("--backend", c.backend, "auto, cpu or cuda")->group(g)->capture_default_str();
  sub->add_option("--batch", c.batch_chips, "chips per batch written to the file (0 = adaptive)")
      ->check(non_negative_integer())
      ->group(g)
      ->capture_default_str();
  sub->add_option("--progress-interval", c.progress_interval_s,
                  "seconds between progress lines when stderr is not a terminal")
      ->group(g)
      ->capture_default_str();
  sub->add_flag("--quiet", c.quiet, texts.quiet)->group(g);
  sub->add_flag("--resume", c.resume, texts.resume)->group(g);
  sub->add_option("--stop-after-batches", c.stop_after_batches,
                  "testing: stop as if interrupted after N batches")
      ->group("");
}

void add_mc_command(CLI::App& app) {
  auto* sub = app.add_subcommand("mc", "Monte Carlo yield study: accuracy of N sampled chips");
  auto c = std::make_shared<study::McConfig>();
  auto times = std::make_shared<std::vector<std::string>>();
  StudyOptionTexts texts;
  texts.times = "times after programming, s (comma separated) [1]";
  texts.quiet = "no progress, only the summary table";
  texts.resume = "continue OUT.partial left by an interrupted run";
  add_study_options(sub, *c, *times, texts);
  sub->callback([c, times, sub] {
    if (sub->count("--times") > 0) c->times_s = parse_times(*times);
    study::run_mc_command(*c);
  });
}

}  // namespace xbarmc::cli
