#include "budget/budget_plan.hpp"

#include <filesystem>

#include "common/number_text.hpp"

namespace xbarmc::study {
namespace {

std::string setting(const char* name, double v) {
  return std::string(name) + " " + round_trip_text(v);
}

bool any_factor(const DeviceParams& d) {
  for (Factor f : kFactors) {
    if (factor_present(d, f)) return true;
  }
  return false;
}

// Every present factor's settings, "; " between them ("none" when there is none).
std::string device_settings(const DeviceParams& d) {
  std::string out;
  for (Factor f : kFactors) {
    if (factor_present(d, f)) out += (out.empty() ? "" : "; ") + factor_settings(d, f);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

const char* factor_name(Factor f) {
  static const char* const names[] = {"d2d",        "a2a",     "c2c",  "stuck",
                                      "read-noise", "ir-drop", "drift"};
  return names[static_cast<int>(f)];
}

const char* factor_label(Factor f) {
  static const char* const labels[] = {"D2D",        "A2A",     "C2C",  "stuck cells",
                                       "read noise", "IR-drop", "drift"};
  return labels[static_cast<int>(f)];
}

bool factor_present(const DeviceParams& d, Factor f) {
  switch (f) {
    case Factor::kD2d:
      return d.d2d_sigma != 0.0;
    case Factor::kA2a:
      return d.a2a_sigma != 0.0;
    case Factor::kC2c:
      return d.c2c_sigma != 0.0;
    case Factor::kStuck:
      return d.p_stuck_on != 0.0 || d.p_stuck_off != 0.0;
    case Factor::kReadNoise:
      return d.read_sigma != 0.0 || d.read_sigma_abs_a != 0.0;
    case Factor::kIrDrop:
      return d.ir_drop != IrDropModel::kNone;
    case Factor::kDrift:
      return d.nu_mean != 0.0 || d.nu_std != 0.0 || d.drift_spread != 0.0;
  }
  return false;
}

void remove_factor(DeviceParams& d, Factor f) {
  switch (f) {
    case Factor::kD2d:
      d.d2d_sigma = 0.0;
      break;
    case Factor::kA2a:
      d.a2a_sigma = 0.0;
      break;
    case Factor::kC2c:
      d.c2c_sigma = 0.0;
      break;
    case Factor::kStuck:
      d.p_stuck_on = d.p_stuck_off = 0.0;
      break;
    case Factor::kReadNoise:
      d.read_sigma = d.read_sigma_abs_a = 0.0;
      break;
    case Factor::kIrDrop:
      d.ir_drop = IrDropModel::kNone;
      break;
    case Factor::kDrift:
      d.nu_mean = d.nu_std = d.drift_spread = 0.0;
      break;
  }
}

std::string factor_settings(const DeviceParams& d, Factor f) {
  switch (f) {
    case Factor::kD2d:
      return setting("d2d-sigma", d.d2d_sigma);
    case Factor::kA2a:
      return setting("a2a-sigma", d.a2a_sigma);
    case Factor::kC2c:
      return setting("c2c-sigma", d.c2c_sigma) + " (" + c2c_model_name(d.c2c_model) + ")";
    case Factor::kStuck:
      return setting("p-stuck-on", d.p_stuck_on) + ", " + setting("p-stuck-off", d.p_stuck_off);
    case Factor::kReadNoise:
      return setting("read-sigma", d.read_sigma) + ", " +
             setting("read-sigma-abs", d.read_sigma_abs_a);
    case Factor::kIrDrop:
      return std::string(ir_drop_name(d.ir_drop)) + ", " + setting("r-wl", d.r_wl_ohm) + ", " +
             setting("r-bl", d.r_bl_ohm);
    case Factor::kDrift:
      return setting("nu-mean", d.nu_mean) + ", " + setting("nu-std", d.nu_std) + ", " +
             setting("drift-spread", d.drift_spread);
  }
  return {};
}

const char* row_kind_name(RowKind k) {
  switch (k) {
    case RowKind::kAlone:
      return "alone";
    case RowKind::kAll:
      return "all";
    case RowKind::kAllButOne:
      return "all-but-one";
    case RowKind::kReference:
      break;
  }
  return "reference";
}

std::vector<BudgetRow> plan_budget(const McConfig& base, const std::string& runs_folder) {
  std::vector<BudgetRow> rows;
  const auto reference = [&](const char* name, const char* label, const char* settings) {
    BudgetRow r;
    r.name = name;
    r.label = label;
    r.settings = settings;
    rows.push_back(r);
  };
  reference("float", "float", "float weights, no chip");
  reference("mapped", "mapped", "quantised weights (levels), noiseless linear");
  reference("nominal-ideal-adc", "nominal, ideal ADC", "nominal SNN chip, adc-bits 0");
  reference("nominal", "nominal", "nominal SNN chip, the study's ADC");

  std::vector<std::string> keys;  // the study of each row so far ("" for reference rows)
  for (std::size_t i = 0; i < rows.size(); ++i) keys.push_back("");
  const auto add = [&](BudgetRow r, const DeviceParams& d) {
    r.study = base;
    r.study.device = d;
    r.study.out_path = (std::filesystem::path(runs_folder) / (r.name + ".h5")).string();
    r.settings = device_settings(d);
    const std::string key = study_toml(r.study, "");
    if (!any_factor(d)) {
      r.same_as = "nominal";
    } else {
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (keys[k] == key && rows[k].same_as.empty()) {
          r.same_as = rows[k].name;
          break;
        }
      }
    }
    keys.push_back(key);
    rows.push_back(std::move(r));
  };
  for (int k = 0; k < kFactorCount; ++k) {
    const Factor f = kFactors[static_cast<std::size_t>(k)];
    BudgetRow r;
    r.name = factor_name(f);
    r.label = std::string(factor_label(f)) + " alone";
    r.kind = RowKind::kAlone;
    r.factor = k;
    DeviceParams only = base.device;
    for (Factor g : kFactors) {
      if (g != f) remove_factor(only, g);
    }
    add(r, only);
  }
  {
    BudgetRow r;
    r.name = "all";
    r.label = "all";
    r.kind = RowKind::kAll;
    add(r, base.device);
  }
  for (int k = 0; k < kFactorCount; ++k) {
    const Factor f = kFactors[static_cast<std::size_t>(k)];
    BudgetRow r;
    r.name = std::string("all-but-") + factor_name(f);
    r.label = std::string("all but ") + factor_label(f);
    r.kind = RowKind::kAllButOne;
    r.factor = k;
    DeviceParams d = base.device;
    remove_factor(d, f);
    add(r, d);
  }
  return rows;
}

}  // namespace xbarmc::study
