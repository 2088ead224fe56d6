#include "sweep/sweep_selection.hpp"

#include <cmath>

#include "common/errors.hpp"
#include "common/number_text.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {
namespace {

// Accuracy differences are differences of ratios correct/n: allow rounding.
constexpr double kSlack = 1e-12;

}  // namespace

std::string describe(const Combination& c) {
  std::string s = c.method;
  if (!c.hidden.empty()) s += " h" + hidden_text(c.hidden);
  s += " w" + std::to_string(c.weight_bits);
  if (c.array_rows != 0 || c.array_cols != 0) s += " a" + arrays_text(c.array_rows, c.array_cols);
  return s + " " + scheme_name(c.scheme) + " adc" + std::to_string(c.adc_bits) + " T" +
         std::to_string(c.timesteps) + " " + reset_name(c.reset);
}

std::string hidden_text(const std::vector<int>& hidden) {
  if (hidden.empty()) return "none";
  std::string s;
  for (std::size_t i = 0; i < hidden.size(); ++i) s += (i ? "," : "") + std::to_string(hidden[i]);
  return s;
}

std::string ratios_text(const std::vector<double>& ratios) {
  std::string s;
  for (std::size_t i = 0; i < ratios.size(); ++i) s += (i ? "," : "") + round_trip_text(ratios[i]);
  return s;
}

std::string arrays_text(int rows, int cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

double combination_cost(const Combination& c) {
  return c.timesteps / 16.0 + c.adc_bits / 6.0 + c.weight_bits / 4.0;
}

SweepObjective parse_objective(const std::string& name) {
  if (name == "nominal") return SweepObjective::kNominal;
  if (name == "mc_mean") return SweepObjective::kMcMean;
  if (name == "mc_p5") return SweepObjective::kMcP5;
  if (name == "yield") return SweepObjective::kYield;
  throw UserError("--objective '" + name + "': expected nominal, mc_mean, mc_p5 or yield");
}

const char* objective_name(SweepObjective o) {
  switch (o) {
    case SweepObjective::kNominal:
      return "nominal";
    case SweepObjective::kMcMean:
      return "mc_mean";
    case SweepObjective::kYield:
      return "yield";
    case SweepObjective::kMcP5:
      break;
  }
  return "mc_p5";
}

double objective_value(const SweepRow& row, SweepObjective o) {
  switch (o) {
    case SweepObjective::kNominal:
      return row.val_nominal;
    case SweepObjective::kMcMean:
      return row.val_mc_mean;
    case SweepObjective::kYield:
      return row.val_yield;
    case SweepObjective::kMcP5:
      break;
  }
  return row.val_mc_p5;
}

std::size_t select_best(const std::vector<SweepRow>& rows) {
  if (rows.empty()) throw InternalError("select_best: empty sweep");
  std::size_t best = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    const SweepRow& b = rows[best];
    if (r.objective > b.objective || (r.objective == b.objective && r.cost < b.cost)) best = i;
  }
  return best;
}

std::size_t select_recommendation(const std::vector<SweepRow>& rows, std::size_t best,
                                  double tolerance) {
  if (best >= rows.size()) throw InternalError("select_recommendation: best out of range");
  if (!(tolerance >= 0.0) || !std::isfinite(tolerance)) {
    throw UserError("--tolerance " + std::to_string(tolerance) + ": must be ≥ 0");
  }
  const double floor = rows[best].objective - tolerance - kSlack;
  std::size_t pick = best;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    if (i == pick || !(r.objective >= floor)) continue;
    const SweepRow& p = rows[pick];
    const bool cheaper = r.cost < p.cost;
    const bool same_cost_better = r.cost == p.cost && r.objective > p.objective;
    const bool same_earlier = r.cost == p.cost && r.objective == p.objective && i < pick;
    if (cheaper || same_cost_better || same_earlier) pick = i;
  }
  return pick;
}

}  // namespace xbarmc::study
