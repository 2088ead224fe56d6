#include "tolerance/tolerance_file.hpp"

#include <cmath>
#include <limits>

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

// One value per point of the curve.
template <class T, class F>
void write_curve(const h5::Group& g, const std::string& name, const ToleranceResult& r, F field) {
  std::vector<T> v;
  for (std::size_t i = 0; i < r.search.points.size(); ++i) v.push_back(field(i));
  g.write<T>(name, {v.size()}, v);
}

void write_bracket(const h5::Group& t, const ToleranceResult& r) {
  const ToleranceSearch& s = r.search;
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> value(2, kNan), yield(2, kNan), low(2, kNan), high(2, kNan);
  const int ends[2] = {s.pass_index, s.fail_index};
  for (int k = 0; k < 2; ++k) {
    if (ends[k] < 0) continue;
    const SearchPoint& p = s.points[static_cast<std::size_t>(ends[k])];
    value[k] = p.value;
    yield[k] = p.yield;
    low[k] = p.wilson_low;
    high[k] = p.wilson_high;
  }
  double answer = value[0];
  if (s.verdict == ToleranceVerdict::kWholeRange) answer = r.config.high;
  write_scalar(t, "value", answer);
  t.write<double>("bracket", {2}, value);
  t.write<double>("bracket_yield", {2}, yield);
  t.write<double>("bracket_wilson_low", {2}, low);
  t.write<double>("bracket_wilson_high", {2}, high);
}

void write_search(const h5::Group& t, const ToleranceResult& r) {
  const ToleranceConfig& c = r.config;
  t.set_attribute("parameter", c.parameter);
  t.set_attribute("spec", c.spec);
  t.set_attribute("threshold", r.threshold);
  t.set_attribute("yield_target", c.yield_target);
  t.set_attribute("range", std::vector<double>{c.low, c.high});
  t.set_attribute("resolution", c.resolution);
  t.set_attribute("time", c.time_s);
  t.set_attribute("scan", static_cast<std::int64_t>(c.scan));
  t.set_attribute("base_value", r.base_value);
  t.set_attribute("verdict", verdict_name(r.search.verdict));
  t.set_attribute("finding", r.search.finding);
  t.set_attribute("answer", tolerance_answer(r));
  t.set_attribute("rise_p", r.search.rise_p);
  t.set_attribute("studies", static_cast<std::int64_t>(r.studies));
  t.set_attribute("max_studies", static_cast<std::int64_t>(max_evaluations(r.settings)));
  t.set_attribute("n_images", static_cast<std::int64_t>(r.n_images));
  t.set_attribute("split", c.base.split);
  t.write<std::uint64_t>("chip_index", {r.chip_index.size()}, r.chip_index);
  write_bracket(t, r);

  const std::vector<SearchPoint>& p = r.search.points;
  const h5::Group g = t.create_group("curve");
  write_curve<double>(g, "value", r, [&](std::size_t i) { return p[i].value; });
  write_curve<std::int64_t>(g, "order", r, [&](std::size_t i) { return p[i].order; });
  write_curve<std::uint64_t>(g, "passes", r, [&](std::size_t i) { return p[i].passes; });
  write_curve<double>(g, "yield", r, [&](std::size_t i) { return p[i].yield; });
  write_curve<double>(g, "wilson_low", r, [&](std::size_t i) { return p[i].wilson_low; });
  write_curve<double>(g, "wilson_high", r, [&](std::size_t i) { return p[i].wilson_high; });
  write_curve<double>(g, "mean", r, [&](std::size_t i) { return r.runs[i].mean; });
  write_curve<double>(g, "p5", r, [&](std::size_t i) { return r.runs[i].p5; });
  std::vector<std::string> checksum;
  std::vector<double> accuracy;
  for (const ToleranceValueRun& v : r.runs) {
    checksum.push_back(v.checksum);
    accuracy.insert(accuracy.end(), v.accuracy.begin(), v.accuracy.end());
  }
  g.write_strings("checksum", checksum);
  h5::WriteOptions o;
  if (accuracy.size() > 4096) o.gzip_level = 4;
  g.write<double>("accuracy", {p.size(), r.chip_index.size()}, accuracy, o);
}

}  // namespace

void write_tolerance_file(const ToleranceResult& r, const std::string& model_checksum) {
  const McConfig& c = r.config.base;
  AtomicFile out(c.out_path);
  {
    h5::File f = h5::File::create(out.temp_path(), c.out_path);
    f.set_attribute("version", build_info::kVersion);
    f.set_attribute("git_describe", build_info::kGitDescribe);
    f.set_attribute("command_line", current_command_line());
    f.set_attribute("config_toml", "# xbarmc tolerance: " + r.config.parameter +
                                       " over the range, this study\n" +
                                       full_toml(c, model_checksum));
    f.set_attribute("seed", static_cast<std::int64_t>(c.seed));
    f.set_attribute("backend", r.backend);
    f.set_attribute("device_name", r.device_name);
    f.set_attribute("created_utc", utc_now_iso8601());
    f.set_attribute("study", "tolerance");
    f.set_attribute("study_key", study_toml(c, model_checksum));
    write_search(f.create_group("tolerance"), r);

    const h5::Group ref = f.create_group("reference");
    write_scalar(ref, "float_accuracy", r.refs.float_accuracy);
    write_scalar(ref, "mapped_accuracy", r.refs.mapped_accuracy);
    write_scalar(ref, "nominal_accuracy", r.refs.nominal_accuracy);
    f.close();
  }
  out.commit();
}

}  // namespace xbarmc::study
