// The rows of an accuracy budget (DESIGN §2.9): what each non-ideality of the study's
// device costs, on common random numbers (every row's studies use the study's seed, so
// the same chips, cells, input spikes and read-noise draws). The device's settings fall
// into seven factors; a factor is absent when its settings are all off. Rows, in order:
//   float, mapped, nominal-ideal-adc, nominal   reference chips (no Monte Carlo)
//   <factor>            that factor alone on the nominal chip, for each of the seven
//   all                 the study's device as configured
//   all-but-<factor>    every factor but that one
// A row's study is the base study with its device reduced to the row's factors; every
// other setting (mapping, readout, neurons, times, specs, and whatever a later option
// adds to McConfig) flows through unchanged.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "study/mc_config.hpp"

namespace xbarmc::study {

enum class Factor { kD2d, kA2a, kC2c, kStuck, kReadNoise, kIrDrop, kDrift };
constexpr int kFactorCount = 7;
constexpr std::array<Factor, kFactorCount> kFactors = {
    Factor::kD2d,       Factor::kA2a,    Factor::kC2c,  Factor::kStuck,
    Factor::kReadNoise, Factor::kIrDrop, Factor::kDrift};

const char* factor_name(
    Factor f);  // "d2d", "a2a", "c2c", "stuck", "read-noise", "ir-drop", "drift"
const char* factor_label(Factor f);  // "D2D", "A2A", "C2C", "stuck cells", "read noise", ...
bool factor_present(const DeviceParams& d, Factor f);
// Switches the factor off: σ and probabilities 0, ir-drop none, ν and spread 0.
void remove_factor(DeviceParams& d, Factor f);
// The factor's settings as the options spell them, e.g. "c2c-sigma 0.1 (lognormal)".
std::string factor_settings(const DeviceParams& d, Factor f);

enum class RowKind { kReference, kAlone, kAll, kAllButOne };
const char* row_kind_name(RowKind k);  // "reference", "alone", "all", "all-but-one"

struct BudgetRow {
  std::string name;   // "float", …, "c2c", "all", "all-but-c2c"
  std::string label;  // for tables and figures: "C2C alone", "all but C2C"
  RowKind kind = RowKind::kReference;
  int factor = -1;       // index into kFactors (alone, all-but-one rows)
  std::string settings;  // what the row's device has on
  McConfig study;        // the row's mc study (not for reference rows)
  // Where its numbers come from when it runs no study of its own: "nominal" (no factor
  // on: every chip is the nominal chip) or the earlier row with the same study.
  std::string same_as;
};

// The rows of `base`'s budget; row studies get out paths <runs>/<name>.h5.
std::vector<BudgetRow> plan_budget(const McConfig& base, const std::string& runs_folder);

}  // namespace xbarmc::study
