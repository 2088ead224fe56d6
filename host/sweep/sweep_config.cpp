#include "sweep/sweep_config.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>

#include "backend/backend.hpp"
#include "common/errors.hpp"
#include "engine/validate.hpp"
#include "features/feature_spec.hpp"
#include "stats/yield_spec.hpp"
#include "study/study_inputs.hpp"

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

std::vector<Combination> expand_grid(const SweepConfig& c) {
  std::vector<Combination> grid;
  for (const std::string& method : c.methods) {
    for (int wb : c.weight_bits) {
      for (const std::string& scheme : c.schemes) {
        for (int adc : c.adc_bits) {
          for (int t : c.timesteps) {
            for (const std::string& reset : c.resets) {
              Combination x;
              x.method = method;
              x.weight_bits = wb;
              x.scheme = parse_scheme(scheme);
              x.adc_bits = adc;
              x.timesteps = t;
              x.reset = parse_reset(reset);
              grid.push_back(x);
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
    << "weight-bits = " << list(c.weight_bits, false) << "\n"
    << "scheme = " << list(c.schemes, true) << "\n"
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
