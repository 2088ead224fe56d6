#include "budget/budget_file.hpp"

#include "common/atomic_file.hpp"
#include "io/h5.hpp"
#include "results/provenance.hpp"
#include "xbarmc/build_info.hpp"

namespace xbarmc::study {
namespace {

template <class T>
void write_scalar(const h5::Group& g, const std::string& name, T value) {
  g.write<T>(name, {}, &value);
}

// One [n_rows × …] dataset from a per-row vector.
void write_rows(const h5::Group& g, const std::string& name, const BudgetResult& r,
                std::vector<double> BudgetRowResult::*field, const h5::Shape& per_row) {
  std::vector<double> all;
  for (const BudgetRowResult& row : r.results) {
    all.insert(all.end(), (row.*field).begin(), (row.*field).end());
  }
  h5::Shape shape = {r.rows.size()};
  shape.insert(shape.end(), per_row.begin(), per_row.end());
  h5::WriteOptions o;
  if (h5::element_count(shape) > 4096) o.gzip_level = 4;
  g.write<double>(name, shape, all, o);
}

void write_row_table(const h5::Group& g, const BudgetResult& r) {
  std::vector<std::string> name, label, kind, factor, settings, same_as, checksum;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const BudgetRow& row = r.rows[i];
    name.push_back(row.name);
    label.push_back(row.label);
    kind.push_back(row_kind_name(row.kind));
    factor.push_back(row.factor < 0 ? "" : factor_name(kFactors[row.factor]));
    settings.push_back(row.settings);
    same_as.push_back(row.same_as);
    checksum.push_back(r.results[i].checksum);
  }
  g.write_strings("row/name", name);
  g.write_strings("row/label", label);
  g.write_strings("row/kind", kind);
  g.write_strings("row/factor", factor);
  g.write_strings("row/settings", settings);
  g.write_strings("row/same_as", same_as);
  g.write_strings("row/checksum", checksum);
}

}  // namespace

void write_budget_file(const BudgetResult& r, const std::string& model_checksum) {
  const McConfig& c = r.base;
  AtomicFile out(c.out_path);
  {
    h5::File f = h5::File::create(out.temp_path(), c.out_path);
    f.set_attribute("version", build_info::kVersion);
    f.set_attribute("git_describe", build_info::kGitDescribe);
    f.set_attribute("command_line", current_command_line());
    f.set_attribute("config_toml", "# xbarmc budget: the accuracy budget of this study's device\n" +
                                       full_toml(c, model_checksum));
    f.set_attribute("seed", static_cast<std::int64_t>(c.seed));
    f.set_attribute("backend", r.backend);
    f.set_attribute("device_name", r.device_name);
    f.set_attribute("created_utc", utc_now_iso8601());
    f.set_attribute("study", "budget");
    f.set_attribute("study_key", study_toml(c, model_checksum));

    const std::size_t n_times = r.times_s.size(), n_chips = r.n_chips();
    const std::size_t n_specs = r.specs.size();
    const h5::Group b = f.create_group("budget");
    b.set_attribute("n_images", static_cast<std::int64_t>(r.n_images));
    b.set_attribute("split", c.split);
    b.set_attribute("studies", static_cast<std::int64_t>(r.studies_run));
    b.write<double>("times", {n_times}, r.times_s);
    b.write<std::uint64_t>("chip_index", {n_chips}, r.chip_index);
    write_row_table(b, r);
    write_rows(b, "mean", r, &BudgetRowResult::mean, {n_times});
    write_rows(b, "p5", r, &BudgetRowResult::p5, {n_times});
    write_rows(b, "cost", r, &BudgetRowResult::cost, {n_times});
    write_rows(b, "cost_se", r, &BudgetRowResult::cost_se, {n_times});
    write_rows(b, "accuracy", r, &BudgetRowResult::accuracy, {n_times, n_chips});
    b.write_strings("yield/spec", r.specs);
    b.write<double>("yield/threshold", {n_specs}, r.thresholds);
    write_rows(b, "yield/fraction", r, &BudgetRowResult::yield, {n_times, n_specs});
    write_rows(b, "yield/wilson_low", r, &BudgetRowResult::wilson_low, {n_times, n_specs});
    write_rows(b, "yield/wilson_high", r, &BudgetRowResult::wilson_high, {n_times, n_specs});

    const h5::Group ref = f.create_group("reference");
    write_scalar(ref, "float_accuracy", r.refs.float_accuracy);
    write_scalar(ref, "mapped_accuracy", r.refs.mapped_accuracy);
    write_scalar(ref, "nominal_accuracy", r.refs.nominal_accuracy);
    write_scalar(ref, "ideal_adc_nominal_accuracy", r.ideal_adc_accuracy);
    write_scalar(ref, "threshold_ratio", r.threshold_ratio);
    write_scalar(ref, "threshold", r.threshold);
    write_scalar(ref, "i_fs_a", r.i_fs_a);
    f.close();
  }
  out.commit();
}

}  // namespace xbarmc::study
