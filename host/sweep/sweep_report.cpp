#include "sweep/sweep_report.hpp"

#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "sweep/sweep_results_file.hpp"

namespace xbarmc::study {
namespace {

std::string fixed(double v, int digits = 4) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// A network sweep's table adds hidden layers and arrays after the method, and every
// layer's threshold ratio in place of the output layer's.
std::string row_cells(const SweepRow& r, bool network) {
  const Combination& c = r.combination;
  std::ostringstream s;
  s << c.method << " | ";
  if (network)
    s << hidden_text(c.hidden) << " | " << arrays_text(c.array_rows, c.array_cols) << " | ";
  s << c.weight_bits << " | " << scheme_name(c.scheme) << " | " << c.adc_bits << " | "
    << c.timesteps << " | " << reset_name(c.reset) << " | ";
  if (network) {
    s << test_threshold_ratio(r);
  } else {
    s << r.threshold_ratio;
  }
  s << " | " << fixed(r.cost, 3) << " | " << fixed(r.val_nominal) << " | " << fixed(r.val_mc_mean)
    << " | " << fixed(r.val_mc_p5) << " | " << fixed(r.val_yield, 3) << " | " << fixed(r.objective);
  return s.str();
}

std::string table_head(bool network) {
  return network
             ? "| method | hidden | arrays | weight bits | scheme | ADC bits | timesteps | reset "
               "| threshold ratios (per layer) | cost | val nominal | val MC mean | val MC "
               "p5 | val yield | objective |"
             : "| method | weight bits | scheme | ADC bits | timesteps | reset | threshold "
               "ratio | cost | val nominal | val MC mean | val MC p5 | val yield | objective |";
}
std::string table_rule(bool network) {
  return network ? "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
                 : "|---|---|---|---|---|---|---|---|---|---|---|---|---|";
}

std::string test_line(const char* role, const SweepRow& r, const SplitEvaluation& e) {
  std::ostringstream s;
  s << "| " << role << " | " << describe(r.combination) << " | " << fixed(e.float_accuracy) << " | "
    << fixed(e.nominal_accuracy) << " | " << fixed(e.mc_mean) << " | " << fixed(e.mc_p5) << " | "
    << fixed(e.yield, 3) << " |";
  return s.str();
}

}  // namespace

void write_sweep_report(const SweepConfig& c, const SweepSelection& s, const std::string& path) {
  const char* objective = objective_name(parse_objective(c.objective));
  const std::string spec = c.base.yield_specs.empty() ? "-" : c.base.yield_specs.front();
  const std::uint64_t test_chips = c.test_chips ? c.test_chips : c.base.chips;
  const bool network = is_network_sweep(c);
  const std::string head = table_head(network).substr(1), rule = table_rule(network);
  std::ostringstream m;
  m << "# xbarmc sweep report\n\n"
    << "Results file: `" << c.out_path << "` (HDF5; figures: `python3 analysis/report.py "
    << c.out_path << "`).\n\n"
    << "## Protocol\n\n"
    << "- " << s.rows.size() << " combinations of method × weight bits × "
    << (network ? "hidden layers × arrays × " : "") << "scheme × ADC bits × timesteps × reset, "
    << "each evaluated on **val** only: threshold ratio" << (network ? "s (one per layer)" : "")
    << " calibrated on the nominal chip, then " << c.base.chips << " Monte Carlo chips on "
    << (c.base.images ? std::to_string(c.base.images) : std::string("all")) << " val images.\n"
    << "- Objective: **val " << objective << "**"
    << (std::string(objective) == "yield" ? " (fraction of chips meeting `" + spec + "`)" : "")
    << ". Best case = the highest objective (ties: lower cost, then earlier row).\n"
    << "- Recommendation = the cheapest combination whose objective is within **" << c.tolerance
    << "** of the best (ties: higher objective, then earlier row).\n"
    << "- Cost model: " << kCostModelText << ".\n"
    << "- Then each chosen configuration is evaluated **once** on **test** with the full Monte "
    << "Carlo (" << test_chips << " chips, "
    << (c.test_images ? std::to_string(c.test_images) : std::string("all")) << " test images"
    << (network ? ", every layer's threshold ratio as val chose it" : "") << "). "
    << "Test evaluations: " << s.test_evaluations
    << (s.recommendation == s.best ? " (the recommendation is the best case, evaluated once)" : "")
    << ". Nothing else in the sweep reads the test split.\n\n"
    << "## Chosen on val\n\n"
    << "| role | row |" << head << "\n|---|---" << rule << "\n"
    << "| best | " << s.best << " | " << row_cells(s.rows[s.best], network) << " |\n"
    << "| recommendation | " << s.recommendation << " | "
    << row_cells(s.rows[s.recommendation], network) << " |\n\n"
    << "## Test (reported once)\n\n"
    << "| role | configuration | float | nominal chip | MC mean | MC p5 | yield (`" << spec
    << "`) |\n|---|---|---|---|---|---|---|\n"
    << test_line("best", s.rows[s.best], s.test_best) << "\n"
    << test_line("recommendation", s.rows[s.recommendation], s.test_recommendation) << "\n\n"
    << "## Every combination on val\n\n"
    << "| row |" << head << "\n|---" << rule << "\n";
  for (std::size_t i = 0; i < s.rows.size(); ++i)
    m << "| " << i << " | " << row_cells(s.rows[i], network) << " |\n";

  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path());
    out << m.str();
    if (!out) throw UserError("cannot write " + path);
  }
  file.commit();
}

void print_sweep_summary(const SweepConfig& c, const SweepSelection& s, std::FILE* out) {
  std::fprintf(out, "sweep: %zu combinations on val, objective val %s, tolerance %g\n",
               s.rows.size(), objective_name(parse_objective(c.objective)), c.tolerance);
  std::fprintf(out, "cost model: %s\n", kCostModelText);
  const struct {
    const char* role;
    std::size_t row;
    const SplitEvaluation& test;
  } chosen[] = {{"best", s.best, s.test_best},
                {"recommendation", s.recommendation, s.test_recommendation}};
  std::fprintf(out, "%-15s %4s %-40s %6s %9s | %8s %8s %8s %8s %8s\n", "", "row", "configuration",
               "cost", "val obj", "test flt", "nominal", "mean", "p5", "yield");
  for (const auto& x : chosen) {
    const SweepRow& r = s.rows[x.row];
    std::fprintf(out, "%-15s %4zu %-40s %6.3f %9.4f | %8.4f %8.4f %8.4f %8.4f %8.3f\n", x.role,
                 x.row, describe(r.combination).c_str(), r.cost, r.objective, x.test.float_accuracy,
                 x.test.nominal_accuracy, x.test.mc_mean, x.test.mc_p5, x.test.yield);
  }
  std::fprintf(out,
               "test evaluations: %d%s; checksums of the test counts: best %s, recommendation %s\n",
               s.test_evaluations,
               s.recommendation == s.best ? " (the recommendation is the best case)" : "",
               s.test_best.checksum.c_str(), s.test_recommendation.checksum.c_str());
}

}  // namespace xbarmc::study
