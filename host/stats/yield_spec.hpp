// Yield specifications (DESIGN §2.6): the accuracy a chip must reach to count as
// good. Absolute ("0.75", "75%") or relative to a reference accuracy of the study
// ("float-1pp", "mapped-0.5pp", "nominal-2pp", "float"), in percentage points.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xbarmc::study {

enum class YieldBase : std::uint8_t { kAbsolute, kFloat, kMapped, kNominal };

struct YieldSpec {
  std::string text;  // as the user wrote it, stored in /mc/yield/spec
  YieldBase base = YieldBase::kAbsolute;
  double value = 0.0;  // absolute accuracy, or the offset in accuracy units (−1pp → −0.01)
};

// The reference accuracies a relative spec is measured from (on the study's split).
struct ReferenceAccuracies {
  double float_accuracy = 0.0;
  double mapped_accuracy = 0.0;
  double nominal_accuracy = 0.0;
};

// Parses one spec; throws UserError naming it when it is not of the forms above or
// an absolute accuracy is outside [0, 1].
YieldSpec parse_yield_spec(const std::string& text);
std::vector<YieldSpec> parse_yield_specs(const std::vector<std::string>& texts);

// The absolute accuracy threshold of `spec` given the study's references.
double yield_threshold(const YieldSpec& spec, const ReferenceAccuracies& refs);

// A chip is good when accuracy ≥ threshold. Accuracies are ratios correct/n and
// relative thresholds differences of such ratios, so the comparison allows one part
// in 1e12 of rounding (0.795 − 0.01 must accept a chip at exactly 0.785).
bool meets_threshold(double accuracy, double threshold);

}  // namespace xbarmc::study
