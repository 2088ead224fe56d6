#include "sweep/sweep_results_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "io/h5.hpp"
#include "results/group_copy.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {
namespace {

// One row of /sweep/table; fixed-length strings like numpy's 'S' fields.
struct TableRow {
  char method[16];
  char scheme[2];
  std::int32_t adc_bits;
  std::int32_t weight_bits;
  std::int32_t timesteps;
  char reset[12];
  double threshold_ratio, cost, val_nominal, val_mc_mean, val_mc_p5, val_yield, objective;
};

// A network sweep's row: the columns above and the network's (DESIGN §2.7). Threshold
// ratios are the candidates of §2.7 (at most 4 characters each and a comma).
struct NetworkTableRow {
  TableRow row;
  char hidden[kMaxHiddenText + 1];
  std::int32_t array_rows, array_cols;
  char threshold_ratios[192];
};

template <std::size_t N>
void copy_text(char (&dst)[N], const std::string& s) {
  std::memset(dst, 0, N);
  std::memcpy(dst, s.data(), std::min(N - 1, s.size()));  // NUL-terminated
}

// The columns in table order; a network's are added beside the ones they belong with.
h5::CompoundType table_type(bool network) {
  const std::size_t at = network ? offsetof(NetworkTableRow, row) : 0;
  h5::CompoundType t(network ? sizeof(NetworkTableRow) : sizeof(TableRow));
  t.add_string("method", at + offsetof(TableRow, method), sizeof(TableRow::method));
  if (network) {
    t.add_string("hidden", offsetof(NetworkTableRow, hidden), sizeof(NetworkTableRow::hidden));
    t.add<std::int32_t>("array_rows", offsetof(NetworkTableRow, array_rows));
    t.add<std::int32_t>("array_cols", offsetof(NetworkTableRow, array_cols));
  }
  t.add_string("scheme", at + offsetof(TableRow, scheme), sizeof(TableRow::scheme));
  t.add<std::int32_t>("adc_bits", at + offsetof(TableRow, adc_bits));
  t.add<std::int32_t>("weight_bits", at + offsetof(TableRow, weight_bits));
  t.add<std::int32_t>("timesteps", at + offsetof(TableRow, timesteps));
  t.add_string("reset", at + offsetof(TableRow, reset), sizeof(TableRow::reset));
  t.add<double>("threshold_ratio", at + offsetof(TableRow, threshold_ratio));
  if (network) {
    t.add_string("threshold_ratios", offsetof(NetworkTableRow, threshold_ratios),
                 sizeof(NetworkTableRow::threshold_ratios));
  }
  t.add<double>("cost", at + offsetof(TableRow, cost));
  t.add<double>("val_nominal", at + offsetof(TableRow, val_nominal));
  t.add<double>("val_mc_mean", at + offsetof(TableRow, val_mc_mean));
  t.add<double>("val_mc_p5", at + offsetof(TableRow, val_mc_p5));
  t.add<double>("val_yield", at + offsetof(TableRow, val_yield));
  t.add<double>("objective", at + offsetof(TableRow, objective));
  return t;
}

TableRow table_row(const SweepRow& r) {
  TableRow t{};
  copy_text(t.method, r.combination.method);
  copy_text(t.scheme, scheme_name(r.combination.scheme));
  t.adc_bits = r.combination.adc_bits;
  t.weight_bits = r.combination.weight_bits;
  t.timesteps = r.combination.timesteps;
  copy_text(t.reset, reset_name(r.combination.reset));
  t.threshold_ratio = r.threshold_ratio;
  t.cost = r.cost;
  t.val_nominal = r.val_nominal;
  t.val_mc_mean = r.val_mc_mean;
  t.val_mc_p5 = r.val_mc_p5;
  t.val_yield = r.val_yield;
  t.objective = r.objective;
  return t;
}

NetworkTableRow network_table_row(const SweepRow& r) {
  NetworkTableRow t{};
  t.row = table_row(r);
  copy_text(t.hidden, hidden_text(r.combination.hidden));
  t.array_rows = r.combination.array_rows;
  t.array_cols = r.combination.array_cols;
  copy_text(t.threshold_ratios, test_threshold_ratio(r));  // one-layer rows: their one ratio
  return t;
}

void write_table(const h5::Group& sweep, const std::vector<SweepRow>& rows, bool network) {
  if (network) {
    std::vector<NetworkTableRow> out;
    for (const SweepRow& r : rows) out.push_back(network_table_row(r));
    sweep.write_compound("table", table_type(true), out.data(), out.size());
  } else {
    std::vector<TableRow> out;
    for (const SweepRow& r : rows) out.push_back(table_row(r));
    sweep.write_compound("table", table_type(false), out.data(), out.size());
  }
}

void write_test_group(const h5::File& f, const std::string& path, const SplitEvaluation& e,
                      const SweepRow& row, std::size_t index) {
  const h5::File src = h5::File::open(e.results_path);
  copy_object(src, "/mc", f, path);
  // A network's per-layer mapping and readout, for the per-layer saturation fractions
  // and the layer table of the report (the two test groups may be different networks).
  if (src.exists("mapping/layers")) {
    copy_object(src, "/mapping/layers", f, path + "/mapping/layers");
    copy_object(src, "/reference/layers", f, path + "/reference/layers");
  }
  const h5::Group g = f.open_group(path);
  g.set_attribute("float_accuracy", e.float_accuracy);
  g.set_attribute("nominal_accuracy", e.nominal_accuracy);
  g.set_attribute("threshold_ratio", e.threshold_ratio);
  if (!e.threshold_ratios.empty())
    g.set_attribute("threshold_ratios", ratios_text(e.threshold_ratios));
  g.set_attribute("row", static_cast<std::int64_t>(index));
  g.set_attribute("configuration", describe(row.combination));
}

}  // namespace

const char* const kCostModelText =
    "cost = timesteps/16 + adc_bits/6 + weight_bits/4 (1 per term at T 16, 6-bit ADC, "
    "4-bit weights; scheme and reset cost the same)";

void write_sweep_results(const SweepConfig& config, const SweepSelection& s) {
  AtomicFile out(config.out_path);
  {
    h5::File f = h5::File::create(out.temp_path(), config.out_path);
    copy_provenance(h5::File::open(s.test_best.results_path), f);
    f.set_attribute("study", "sweep");
    f.set_attribute("config_toml", sweep_toml(config));
    const h5::Group sweep = f.create_group("sweep");
    write_table(sweep, s.rows, is_network_sweep(config));
    sweep.set_attribute("objective_name",
                        std::string("val_") + objective_name(parse_objective(config.objective)));
    sweep.set_attribute("tolerance", config.tolerance);
    sweep.set_attribute("cost_model", kCostModelText);
    sweep.set_attribute("best_index", static_cast<std::int64_t>(s.best));
    sweep.set_attribute("recommendation_index", static_cast<std::int64_t>(s.recommendation));
    sweep.set_attribute("test_evaluations", static_cast<std::int64_t>(s.test_evaluations));
    write_test_group(f, "/sweep/test/best", s.test_best, s.rows[s.best], s.best);
    if (s.recommendation == s.best) {
      if (H5Lcreate_hard(f.id(), "/sweep/test/best", f.id(), "/sweep/test/recommendation",
                         H5P_DEFAULT, H5P_DEFAULT) < 0) {
        throw UserError("cannot write " + config.out_path + ": /sweep/test/recommendation");
      }
    } else {
      write_test_group(f, "/sweep/test/recommendation", s.test_recommendation,
                       s.rows[s.recommendation], s.recommendation);
    }
    f.close();
  }
  out.commit();
}

}  // namespace xbarmc::study
