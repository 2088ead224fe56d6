#include "sweep/sweep_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>

#include "backend/backend.hpp"
#include "common/errors.hpp"
#include "engine/validate.hpp"
#include "features/feature_spec.hpp"
#include "mapping/layer_mapping.hpp"
#include "stats/yield_spec.hpp"
#include "study/study_inputs.hpp"
#include "train/train_pipeline.hpp"

namespace xbarmc::study {
namespace {

Scheme parse_scheme(const std::string& s) {
  if (s == "A") return Scheme::kA;
  if (s == "B") return Scheme::kB;
  throw UserError("--scheme '" + s + "': expected A or B");
}

Reset parse_reset(const std::string& s) {
  if (s == "subtract") return Reset::kSubtract;
  if (s == "zero") return Reset::kZero;
  throw UserError("--reset '" + s + "': expected subtract or zero");
}

template <class T>
void require_values(const std::vector<T>& v, const char* option) {
  if (v.empty()) throw UserError(std::string(option) + " is empty: give at least one value");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::find(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v[i]) !=
        v.begin() + static_cast<std::ptrdiff_t>(i)) {
      std::ostringstream s;
      s << option << " lists " << v[i] << " twice";
      throw UserError(s.str());
    }
  }
}

// A whole number ≥ 0 spelled with digits only; false otherwise.
bool parse_count(const std::string& text, int* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  const long v = std::strtol(text.c_str(), nullptr, 10);
  if (errno != 0 || v > 1 << 30) return false;
  *out = static_cast<int>(v);
  return true;
}

// The number of layers of every --hidden alternative must match a per-layer list.
void check_per_layer_full_scale(const SweepConfig& c) {
  const std::size_t values = parse_full_scale(c.base.full_scale).fixed_a.size();
  if (values <= 1) return;
  for (const std::string& h : c.hidden) {
    const std::size_t layers = parse_hidden(h).size() + 1;
    if (layers != values) {
      throw UserError("--full-scale '" + c.base.full_scale + "': " + std::to_string(values) +
                      " values, but --hidden '" + h + "' has " + std::to_string(layers) +
                      " layer(s): give one value, or one per layer of every network");
    }
  }
}

template <class T>
std::string list(const std::vector<T>& v, bool quote) {
  std::ostringstream s;
  s << "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    s << (i ? ", " : "") << (quote ? "\"" : "") << v[i] << (quote ? "\"" : "");
  }
  s << "]";
  return s.str();
}

}  // namespace

std::vector<int> parse_hidden(const std::string& text) {
  std::vector<int> sizes;
  if (text == "none") return sizes;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = text.find(',', at);
    int v = 0;
    if (!parse_count(text.substr(at, comma == std::string::npos ? comma : comma - at), &v) ||
        v < 1) {
      throw UserError("--hidden '" + text +
                      "': expected none or layer sizes >= 1, comma separated (e.g. 256,64)");
    }
    sizes.push_back(v);
    if (comma == std::string::npos) return sizes;
    at = comma + 1;
  }
}

void parse_arrays(const std::string& text, int* rows, int* cols) {
  const std::size_t x = text.find('x');
  if (x == std::string::npos || !parse_count(text.substr(0, x), rows) ||
      !parse_count(text.substr(x + 1), cols)) {
    throw UserError("--arrays '" + text +
                    "': expected ROWSxCOLS, e.g. 128x128 (0x0: one array per layer)");
  }
  if (*cols == 1 || *cols % 2 != 0) {
    throw UserError("--arrays '" + text +
                    "': the columns must be even and >= 2, two per output (0 = each layer's own)");
  }
}

bool is_network_sweep(const SweepConfig& c) {
  if (c.bias || c.base.device.a2a_sigma != 0.0) return true;
  for (const std::string& h : c.hidden) {
    if (!parse_hidden(h).empty()) return true;
  }
  for (const std::string& a : c.arrays) {
    int rows = 0, cols = 0;
    parse_arrays(a, &rows, &cols);
    if (rows != 0 || cols != 0) return true;
  }
  return false;
}

std::vector<Combination> expand_grid(const SweepConfig& c) {
  std::vector<Combination> grid;
  Combination x;
  for (const std::string& method : c.methods) {
    x.method = method;
    for (int wb : c.weight_bits) {
      x.weight_bits = wb;
      for (const std::string& hidden : c.hidden) {
        x.hidden = parse_hidden(hidden);
        for (const std::string& arrays : c.arrays) {
          parse_arrays(arrays, &x.array_rows, &x.array_cols);
          for (const std::string& scheme : c.schemes) {
            x.scheme = parse_scheme(scheme);
            for (int adc : c.adc_bits) {
              x.adc_bits = adc;
              for (int t : c.timesteps) {
                x.timesteps = t;
                for (const std::string& reset : c.resets) {
                  x.reset = parse_reset(reset);
                  grid.push_back(x);
                }
              }
            }
          }
        }
      }
    }
  }
  return grid;
}

void validate_sweep_config(const SweepConfig& c) {
  if (c.out_path.empty()) throw UserError("--out is required");
  require_values(c.methods, "--method");
  require_values(c.weight_bits, "--weight-bits");
  require_values(c.hidden, "--hidden");
  require_values(c.arrays, "--arrays");
  require_values(c.schemes, "--scheme");
  require_values(c.adc_bits, "--adc-bits");
  require_values(c.timesteps, "--timesteps");
  require_values(c.resets, "--reset");
  for (const std::string& m : c.methods) parse_feature_method(m);
  for (const std::string& s : c.schemes) parse_scheme(s);
  for (const std::string& r : c.resets) parse_reset(r);
  for (int b : c.weight_bits) {
    if (b < 1 || b > 8) throw UserError("--weight-bits " + std::to_string(b) + ": must be 1..8");
  }
  for (const std::string& a : c.arrays) {
    int rows = 0, cols = 0;
    parse_arrays(a, &rows, &cols);
  }
  for (const std::string& h : c.hidden) {
    TrainConfig t;  // the training checks of each model's layers, before any is trained
    t.hidden = parse_hidden(h);
    if (hidden_text(t.hidden).size() > kMaxHiddenText) {
      throw UserError("--hidden '" + h + "': longer than " + std::to_string(kMaxHiddenText) +
                      " characters (a column of the results table)");
    }
    t.bias = c.bias;
    t.bias_mode = parse_bias_mode(c.bias_mode);
    validate_train_config(t);
  }
  for (int b : c.adc_bits) {
    if (b < 0 || b > kMaxAdcBits) {
      throw UserError("--adc-bits " + std::to_string(b) + ": must be 0..16 (0 = ideal)");
    }
  }
  for (int t : c.timesteps) {
    if (t < 1 || t > kMaxTimesteps) {
      throw UserError("--timesteps " + std::to_string(t) + ": must be 1.." +
                      std::to_string(kMaxTimesteps));
    }
  }
  parse_objective(c.objective);
  if (!(c.tolerance >= 0.0) || !std::isfinite(c.tolerance)) {
    throw UserError("--tolerance " + std::to_string(c.tolerance) + ": must be a finite value ≥ 0");
  }
  if (c.epochs < 1)
    throw UserError("--epochs " + std::to_string(c.epochs) + ": must be at least 1");
  if (c.test_images < 0)
    throw UserError("--test-images " + std::to_string(c.test_images) + ": must be ≥ 0");
  if (c.base.times_s.size() != 1) throw UserError("--time: a sweep evaluates one time");
  validate_times(c.base.times_s);
  // The shared Monte Carlo settings, checked before any model is trained.
  if (c.base.chips == 0) throw UserError("--chips must be at least 1");
  for (const auto& [option, chips] :
       {std::pair{"--chips", c.base.chips}, {"--test-chips", c.test_chips}}) {
    if (chips > kMaxChips) {
      throw UserError(std::string(option) + " " + std::to_string(chips) + ": at most " +
                      std::to_string(kMaxChips) + " (2^32 chip indices)");
    }
  }
  if (c.base.threads < 0 || c.base.threads > kMaxThreads) {
    throw UserError("--threads " + std::to_string(c.base.threads) + ": must be in [0, " +
                    std::to_string(kMaxThreads) + "] (0 = all)");
  }
  if (c.base.images < 0)
    throw UserError("--images " + std::to_string(c.base.images) + ": must be ≥ 0");
  if (c.base.yield_specs.empty()) throw UserError("--yield-spec is empty: give at least one spec");
  parse_yield_specs(c.base.yield_specs);
  validate_device(c.base.device);
  NeuronParams n = c.base.neuron;
  n.threshold = 1.0;  // calibrated per combination
  validate_neuron(n);
  parse_full_scale(c.base.full_scale);
  check_per_layer_full_scale(c);
  parse_backend(c.base.backend);
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(c.out_path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw UserError("--out " + c.out_path + ": folder " + parent.string() + " does not exist");
  }
}

std::string sweep_model_dir(const SweepConfig& c) {
  return c.model_dir.empty() ? c.out_path + ".models" : c.model_dir;
}

std::string sweep_runs_dir(const SweepConfig& c) {
  return c.out_path + ".runs";
}

std::string sweep_report_path(const SweepConfig& c) {
  return std::filesystem::path(c.out_path).replace_extension(".md").string();
}

std::string sweep_toml(const SweepConfig& c) {
  std::ostringstream t;
  t << "# xbarmc sweep: the grid and the selection\n"
    << "method = " << list(c.methods, true) << "\n"
    << "weight-bits = " << list(c.weight_bits, false) << "\n";
  if (is_network_sweep(c)) {  // a one-layer sweep keeps the text it had
    t << "hidden = " << list(c.hidden, true) << "\n"
      << "arrays = " << list(c.arrays, true) << "\n"
      << "bias = " << (c.bias ? "true" : "false") << "\n"
      << "bias-mode = \"" << c.bias_mode << "\"\n";
  }
  t << "scheme = " << list(c.schemes, true) << "\n"
    << "adc-bits = " << list(c.adc_bits, false) << "\n"
    << "timesteps = " << list(c.timesteps, false) << "\n"
    << "reset = " << list(c.resets, true) << "\n"
    << "objective = \"" << c.objective << "\"\n"
    << "tolerance = " << c.tolerance << "\n"
    << "test-chips = " << c.test_chips << "\n"
    << "test-images = " << c.test_images << "\n"
    << "qat = " << (c.qat ? "true" : "false") << "\n"
    << "epochs = " << c.epochs << "\n"
    << "train-seed = " << c.train_seed << "\n"
    << "# every evaluation's Monte Carlo settings (scheme, adc-bits, timesteps, reset,\n"
    << "# model, split, threshold-ratio are set per run)\n"
    << full_toml(c.base, "(per model)");
  return t.str();
}

}  // namespace xbarmc::study
