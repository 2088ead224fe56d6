// The printed tolerance search (tolerance_study.hpp): the curve, value by value, and
// the answer.
#include <cstdio>
#include <string>

#include "common/number_text.hpp"
#include "study/summary_table.hpp"
#include "tolerance/tolerance_study.hpp"

namespace xbarmc::study {
namespace {

std::string yield_with_interval(const SearchPoint& p) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%.4f [%.4f, %.4f]", p.yield, p.wilson_low, p.wilson_high);
  return buf;
}

}  // namespace

std::string tolerance_answer(const ToleranceResult& r) {
  const ToleranceConfig& c = r.config;
  const ToleranceSearch& s = r.search;
  const std::string name = c.parameter + " tolerance";
  char target[32];
  std::snprintf(target, sizeof target, "%g", c.yield_target);
  switch (s.verdict) {
    case ToleranceVerdict::kFound: {
      const SearchPoint& good = s.points[static_cast<std::size_t>(s.pass_index)];
      const SearchPoint& bad = s.points[static_cast<std::size_t>(s.fail_index)];
      return name + " " + round_trip_text(good.value) + ": yield >= " + target + " at " +
             round_trip_text(good.value) + " (" + yield_with_interval(good) + "), below it at " +
             round_trip_text(bad.value) + " (" + yield_with_interval(bad) + "); bracket [" +
             round_trip_text(good.value) + ", " + round_trip_text(bad.value) + "]";
    }
    case ToleranceVerdict::kWholeRange:
      return name + " at least " + round_trip_text(c.high) +
             ", the top of --range: yield >= " + target + " at every value tried (" +
             yield_with_interval(s.points.back()) + " at " + round_trip_text(c.high) +
             "); widen --range for the limit";
    case ToleranceVerdict::kNone:
      return name + ": none in [" + round_trip_text(c.low) + ", " + round_trip_text(c.high) +
             "]: yield < " + target + " at every value tried, " +
             yield_with_interval(s.points.front()) + " already at " + round_trip_text(c.low);
    case ToleranceVerdict::kNonMonotone:
      break;
  }
  return name + ": no answer, the yield is not monotone in " + c.parameter + ": " + s.finding +
         "; bisection would return a wrong bracket (see the curve; narrow --range, or add "
         "--scan values)";
}

void print_tolerance(const ToleranceResult& r, std::FILE* out) {
  const ToleranceConfig& c = r.config;
  std::fprintf(out,
               "tolerance: %s in [%s, %s] to %s for yield >= %g at spec %s (accuracy >= %.4f) "
               "at t = %s; %zu chips on %llu %s images; %d mc studies (at most %d)\n",
               c.parameter.c_str(), round_trip_text(c.low).c_str(), round_trip_text(c.high).c_str(),
               round_trip_text(c.resolution).c_str(), c.yield_target, c.spec.c_str(), r.threshold,
               format_time(c.time_s).c_str(), r.chip_index.size(),
               static_cast<unsigned long long>(r.n_images), c.base.split.c_str(), r.studies,
               max_evaluations(r.settings));
  std::fprintf(out, "%14s  %-26s %11s %8s %8s  %5s  %s\n", c.parameter.c_str(),
               "yield [95% Wilson]", "chips", "mean", "p5", "study", "checksum");
  for (std::size_t i = 0; i < r.search.points.size(); ++i) {
    const SearchPoint& p = r.search.points[i];
    const std::string chips = std::to_string(p.passes) + "/" + std::to_string(p.chips);
    std::fprintf(out, "%14s  %-26s %11s %8.4f %8.4f  %5d  %s%s\n", round_trip_text(p.value).c_str(),
                 yield_with_interval(p).c_str(), chips.c_str(), r.runs[i].mean, r.runs[i].p5,
                 p.order + 1, r.runs[i].checksum.c_str(), p.meets ? "" : "  (below target)");
  }
  std::fprintf(out, "%s\n", tolerance_answer(r).c_str());
}

}  // namespace xbarmc::study
