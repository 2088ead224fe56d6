// The printed budget (budget_study.hpp): one line per row at the last time.
#include <cstdio>
#include <string>

#include "budget/budget_study.hpp"
#include "study/summary_table.hpp"

namespace xbarmc::study {
namespace {

bool has_drift(const BudgetRow& row) {
  return row.kind != RowKind::kReference && factor_present(row.study.device, Factor::kDrift);
}

void print_header(const BudgetResult& r, std::FILE* out) {
  const std::size_t last = r.times_s.size() - 1;
  std::fprintf(out,
               "budget: %zu chips x %zu times on %llu %s images, %d mc studies; at %s (the last "
               "time)\n",
               r.n_chips(), r.times_s.size(), static_cast<unsigned long long>(r.n_images),
               r.base.split.c_str(), r.studies_run, format_time(r.times_s[last]).c_str());
  std::fprintf(out,
               "cost = accuracy lost: a reference row to the row above; alone and all to the "
               "nominal chip; all but X = what X costs with every other factor on; +- its "
               "standard error over the same chips\n");
  std::fprintf(out, "yN = yield at spec N [95%% Wilson]:");
  for (std::size_t s = 0; s < r.specs.size(); ++s) {
    std::fprintf(out, "%s y%zu %s (%.4f)", s ? "," : "", s + 1, r.specs[s].c_str(),
                 r.thresholds[s]);
  }
  std::fprintf(out, "\n%-22s %8s %8s %8s %8s", "row", "mean", "cost", "+-se", "p5");
  for (std::size_t s = 0; s < r.specs.size(); ++s) {
    std::fprintf(out, "  %-22s", ("y" + std::to_string(s + 1)).c_str());
  }
  std::fprintf(out, "  device\n");
}

void print_over_time(const BudgetResult& r, std::FILE* out) {
  bool any = false;
  for (const BudgetRow& row : r.rows) any = any || (has_drift(row) && row.same_as.empty());
  if (r.times_s.size() < 2 || !any) return;
  std::fprintf(out, "mean accuracy over time of the rows that drift\n%-22s", "");
  for (double t : r.times_s) std::fprintf(out, " %8s", format_time(t).c_str());
  std::fputc('\n', out);
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (!has_drift(r.rows[i]) || !r.rows[i].same_as.empty()) continue;
    std::fprintf(out, "%-22s", r.rows[i].label.c_str());
    for (double m : r.results[i].mean) std::fprintf(out, " %8.4f", m);
    std::fputc('\n', out);
  }
}

}  // namespace

void print_budget_table(const BudgetResult& r, std::FILE* out) {
  print_header(r, out);
  const std::size_t k = r.times_s.size() - 1, n_specs = r.specs.size();
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const BudgetRow& row = r.rows[i];
    const BudgetRowResult& x = r.results[i];
    std::fprintf(out, "%-22s %8.4f %8.4f", row.label.c_str(), x.mean[k], x.cost[k]);
    if (row.kind == RowKind::kReference) {
      std::fprintf(out, " %8s", "-");
    } else {
      std::fprintf(out, " %8.4f", x.cost_se[k]);
    }
    std::fprintf(out, " %8.4f", x.p5[k]);
    for (std::size_t s = 0; s < n_specs; ++s) {
      const std::size_t at = k * n_specs + s;
      std::fprintf(out, "  %.3f [%.3f, %.3f]  ", x.yield[at], x.wilson_low[at], x.wilson_high[at]);
    }
    if (row.kind == RowKind::kReference) {
      std::fprintf(out, "  %s\n", row.settings.c_str());
    } else if (!row.same_as.empty()) {
      std::fprintf(out, "  = %s (%s)\n", row.same_as.c_str(),
                   row.same_as == "nominal" ? "not in this device" : "the same study");
    } else if (row.kind == RowKind::kAllButOne) {
      std::fprintf(out, "  all without %s\n",
                   factor_label(kFactors[static_cast<std::size_t>(row.factor)]));
    } else {
      std::fprintf(out, "  %s\n", row.settings.c_str());
    }
  }
  print_over_time(r, out);
  std::fprintf(out, "checksums of correct counts:");
  bool first = true;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (r.results[i].checksum.empty() || !r.rows[i].same_as.empty()) continue;
    std::fprintf(out, "%s %s %s", first ? "" : ",", r.rows[i].name.c_str(),
                 r.results[i].checksum.c_str());
    first = false;
  }
  std::fputc('\n', out);
}

}  // namespace xbarmc::study
