#include "stats/yield_spec.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "common/errors.hpp"

namespace xbarmc::study {
namespace {

// Parses all of `s` as a finite number; false if anything is left over.
bool parse_number(const std::string& s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

[[noreturn]] void bad_spec(const std::string& text, const std::string& why) {
  throw UserError("invalid --yield-spec '" + text + "': " + why);
}

}  // namespace

YieldSpec parse_yield_spec(const std::string& text) {
  YieldSpec spec;
  spec.text = text;
  const struct {
    const char* name;
    YieldBase base;
  } bases[] = {{"float", YieldBase::kFloat},
               {"mapped", YieldBase::kMapped},
               {"nominal", YieldBase::kNominal}};
  for (const auto& b : bases) {
    const std::string name = b.name;
    if (text.compare(0, name.size(), name) != 0) continue;
    spec.base = b.base;
    const std::string rest = text.substr(name.size());
    if (rest.empty()) return spec;
    const char sign = rest.front();
    if ((sign != '-' && sign != '+') || rest.size() < 4 ||
        rest.compare(rest.size() - 2, 2, "pp") != 0) {
      bad_spec(text, "expected " + name + "-<points>pp, e.g. " + name + "-1pp");
    }
    double points = 0.0;
    const std::string number = rest.substr(1, rest.size() - 3);
    if (!parse_number(number, &points) || points < 0.0 || points > 100.0) {
      bad_spec(text, "'" + number + "' is not a number of percentage points in [0, 100]");
    }
    spec.value = (sign == '-' ? -points : points) / 100.0;
    return spec;
  }
  double v = 0.0;
  if (!text.empty() && text.back() == '%') {
    if (!parse_number(text.substr(0, text.size() - 1), &v)) {
      bad_spec(text, "expected an accuracy such as 0.75 or 75%, or float-1pp");
    }
    v /= 100.0;
  } else if (!parse_number(text, &v)) {
    bad_spec(text, "expected an accuracy such as 0.75 or 75%, or float-1pp");
  }
  if (v < 0.0 || v > 1.0) bad_spec(text, "an absolute accuracy must lie in [0, 1]");
  spec.value = v;
  return spec;
}

std::vector<YieldSpec> parse_yield_specs(const std::vector<std::string>& texts) {
  std::vector<YieldSpec> specs;
  specs.reserve(texts.size());
  for (const std::string& t : texts) specs.push_back(parse_yield_spec(t));
  return specs;
}

double yield_threshold(const YieldSpec& spec, const ReferenceAccuracies& refs) {
  switch (spec.base) {
    case YieldBase::kAbsolute:
      return spec.value;
    case YieldBase::kFloat:
      return refs.float_accuracy + spec.value;
    case YieldBase::kMapped:
      return refs.mapped_accuracy + spec.value;
    case YieldBase::kNominal:
      return refs.nominal_accuracy + spec.value;
  }
  throw InternalError("unknown yield base");
}

bool meets_threshold(double accuracy, double threshold) {
  return accuracy >= threshold - 1e-12;
}

}  // namespace xbarmc::study
