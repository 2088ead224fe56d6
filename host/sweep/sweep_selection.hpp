// Choosing a configuration from a sweep (DESIGN §2.6, seed "val"): every combination of
// method × weight bits × hidden layers × arrays × scheme × ADC bits × timesteps × reset
// is scored on val; the
// best case has the highest val objective, the recommendation is the cheapest
// combination whose objective is within a tolerance of the best. Pure functions of the
// val table: nothing here sees the test split.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "xbarmc/params.hpp"

namespace xbarmc::study {

// One point of the grid.
struct Combination {
  std::string method;  // feature method (xbarmc train --method)
  int weight_bits = 4;
  std::vector<int> hidden;             // hidden layer sizes, input side first; empty: one layer
  int array_rows = 0, array_cols = 0;  // R_a × C_a (DESIGN §2.7); 0 = each layer's own size
  Scheme scheme = Scheme::kB;
  int adc_bits = 6;
  int timesteps = 16;
  Reset reset = Reset::kSubtract;
};

// "avg_8x8 w4 B adc6 T16 subtract": names a combination in messages and reports. A
// network adds its hidden sizes and arrays: "raw h256 w4 a128x128 B adc6 T16 subtract"
// (each only when it is not the one-layer default).
std::string describe(const Combination& c);

// "none" or the sizes comma separated ("256,64"), as --hidden takes them.
std::string hidden_text(const std::vector<int>& hidden);
// "RxC" ("0x0": one array per layer), as --arrays takes them.
std::string arrays_text(int rows, int cols);
// Threshold ratios in round-trip text, comma separated ("0.3,1"), as
// --threshold-ratio takes them.
std::string ratios_text(const std::vector<double>& ratios);

// The cost model: cost = timesteps/16 + adc_bits/6 + weight_bits/4. Each term is 1 at
// DESIGN's defaults (T 16, 6-bit ADC, 4-bit weights), so the default chip costs 3.
// The terms stand for latency and read energy (∝ T: one crossbar read per step), ADC
// energy and area (∝ bits, as for a SAR ADC) and programming precision (∝ weight bits:
// write-verify steps to place 2^bits levels). Scheme and reset mode cost the same.
// An ideal ADC (0 bits) is free: it is a reference, not a design.
double combination_cost(const Combination& c);

// What is optimised on val (stored as "val_<name>" in the results file).
enum class SweepObjective { kNominal, kMcMean, kMcP5, kYield };
SweepObjective parse_objective(const std::string& name);  // UserError naming the value
const char* objective_name(SweepObjective o);             // "nominal", "mc_mean", …

// One row of the sweep table: the combination and its val results.
struct SweepRow {
  Combination combination;
  double threshold_ratio = 0.0;  // calibrated on val for this combination (output layer)
  // A network's ratio of every layer, input side first, as val calibrated them (DESIGN
  // §2.7); empty for the one-layer chip. Test reuses exactly these.
  std::vector<double> threshold_ratios;
  double cost = 0.0;
  double val_nominal = 0.0;  // nominal-chip accuracy on val
  double val_mc_mean = 0.0;  // mean chip accuracy on val
  double val_mc_p5 = 0.0;    // 5th percentile of the chips' accuracies on val
  double val_yield = 0.0;    // fraction of chips meeting the first yield spec on val
  double objective = 0.0;    // the selected one of the four above
};

double objective_value(const SweepRow& row, SweepObjective o);

// Best case: the highest objective; ties → the lower cost, then the earlier row.
std::size_t select_best(const std::vector<SweepRow>& rows);

// Recommendation: among rows with objective ≥ best objective − tolerance (one part in
// 1e12 of slack for rounding), the lowest cost; ties → the higher objective, then the
// earlier row. It is the best row itself when nothing cheaper is close enough.
std::size_t select_recommendation(const std::vector<SweepRow>& rows, std::size_t best,
                                  double tolerance);

}  // namespace xbarmc::study
