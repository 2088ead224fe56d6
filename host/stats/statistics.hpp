// Statistics of a chip population (DESIGN §2.6): summary of the per-chip accuracies
// at one time (mean, sample std, min, max, percentiles with numpy's default linear
// interpolation) and the 95 % Wilson score interval of a yield fraction.
#pragma once

#include <cstdint>
#include <vector>

namespace xbarmc::study {

// z of a two-sided 95 % normal interval, Φ⁻¹(0.975).
constexpr double kZ95 = 1.959963984540054;

struct Summary {
  double mean = 0.0;
  double std = 0.0;  // sample std (n−1); NaN for fewer than two values, like numpy ddof=1
  double min = 0.0;
  double max = 0.0;
  double p1 = 0.0, p5 = 0.0, p10 = 0.0, p50 = 0.0;
};

// Summary of `values` (any order, at least one value).
Summary summarize(std::vector<double> values);

struct Interval {
  double low = 0.0;
  double high = 1.0;
};

// Wilson score interval for `successes` out of `trials` (Wilson 1927):
// centre (p̂ + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²).
// With no trials nothing is known: [0, 1].
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z = kZ95);

}  // namespace xbarmc::study
