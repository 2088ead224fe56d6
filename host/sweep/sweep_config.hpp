// The settings of one `xbarmc sweep` (DESIGN §2.6, §2.7): the grid axes, the objective
// and tolerance of the selection, how each (method, weight bits, hidden) model is trained,
// and the
// Monte Carlo settings shared by every evaluation (an McConfig whose scheme, ADC bits,
// timesteps, reset, model, split and threshold ratio the sweep fills in per run).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "study/mc_config.hpp"
#include "sweep/sweep_selection.hpp"

namespace xbarmc::study {

// The longest --hidden alternative, as text ("256,64"): a column of the results table.
constexpr std::size_t kMaxHiddenText = 63;

struct SweepConfig {
  McConfig base;  // device, encoding, full scale, leak, chips/images on val, seed, specs, run
  std::vector<std::string> methods = {"avg_8x8"};
  std::vector<int> weight_bits = {4};
  // Networks (DESIGN §2.7): hidden layer alternatives, each "none" (one layer) or sizes
  // "256,64"; array sizes, each "RxC" ("0x0": one array per layer).
  std::vector<std::string> hidden = {"none"};
  std::vector<std::string> arrays = {"0x0"};
  std::vector<std::string> schemes = {"B"};
  std::vector<int> adc_bits = {6};
  std::vector<int> timesteps = {16};
  std::vector<std::string> resets = {"subtract"};
  std::string objective = "mc_p5";
  double tolerance = 0.01;       // accuracy fraction (0.01 = 1 percentage point)
  std::uint64_t test_chips = 0;  // chips of each test evaluation; 0 = --chips
  std::int64_t test_images = 0;  // test images; 0 = the whole test split
  // Training of each (method, weight bits, hidden) model (xbarmc train's options).
  bool bias = false;  // every layer of every model has a bias
  std::string bias_mode = "digital";
  bool qat = false;
  int epochs = 60;
  std::uint64_t train_seed = 0;
  std::string model_dir;   // "" = <out>.models
  bool keep_runs = false;  // keep <out>.runs/ (every evaluation's mc file)
  std::string out_path;    // HDF5; the Markdown report goes beside it (.md)
};

// The grid in its fixed order: method, weight bits, hidden, arrays, scheme, ADC bits,
// timesteps, reset (outermost first), so that rows of one model are adjacent.
std::vector<Combination> expand_grid(const SweepConfig& c);

// One --hidden alternative ("none" → empty) and one --arrays alternative ("RxC");
// UserError naming the option and text.
std::vector<int> parse_hidden(const std::string& text);
void parse_arrays(const std::string& text, int* rows, int* cols);

// Whether any grid point is a network study (DESIGN §2.7: hidden layers, biases, arrays
// other than one per layer, or array-to-array variation). A sweep of the one-layer chip
// only writes exactly the files it wrote before networks.
bool is_network_sweep(const SweepConfig& c);

// Checks the grid axes, objective, tolerance and paths; throws UserError naming the
// option and value.
void validate_sweep_config(const SweepConfig& c);

std::string sweep_model_dir(const SweepConfig& c);
std::string sweep_runs_dir(const SweepConfig& c);
std::string sweep_report_path(const SweepConfig& c);  // out with the extension .md

// The sweep's own settings as TOML text (provenance in the results file).
std::string sweep_toml(const SweepConfig& c);

}  // namespace xbarmc::study
