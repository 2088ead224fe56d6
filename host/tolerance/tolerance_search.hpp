// The search behind `xbarmc tolerance` (DESIGN §2.9), apart from the studies it runs:
// the largest value of a parameter in [low, high] at which the yield still meets a
// target, by bisection to a resolution. Every evaluation sees the same chips (common
// random numbers), so pass/fail is compared chip by chip between values.
//
// Bisection assumes yield falls as the value rises. What it cannot see it checks:
//  - when no bracket exists (the target is met at `high`, or missed at `low`) it spends
//    what bisection would have spent, ⌈log2((high − low)/resolution)⌉ evaluations, on an
//    even grid inside the range; a value that contradicts the ends (a failure between
//    passes, a pass below a failure) means the yield is not monotone;
//  - over every pair of evaluated values a < b, chips that fail at a but pass at b are
//    counted against those that pass at a and fail at b (a one-sided sign test, α split
//    over the pairs); a significant rise means the yield is not monotone either.
// Then it reports so instead of a bracket. So at most ⌈log2(range/resolution)⌉ + 2
// evaluations, plus `scan` optional grid points before the bisection.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xbarmc::study {

struct SearchSettings {
  double low = 0.0, high = 0.0;  // low < high
  double resolution = 0.0;       // > 0: stop when the bracket is at most this wide
  double target = 0.9;           // yield target in (0, 1]
  int scan = 0;                  // evenly spaced values evaluated before the bisection
  double alpha = 1e-3;           // family-wise level of the sign tests
};

// Per chip (the same chips at every value): 1 when the chip meets the spec.
using PassFunction = std::function<std::vector<std::uint8_t>(double value)>;

struct SearchPoint {
  double value = 0.0;
  int order = 0;  // 0 for the first evaluation
  std::uint64_t passes = 0, chips = 0;
  double yield = 0.0, wilson_low = 0.0, wilson_high = 1.0;  // 95 % Wilson
  bool meets = false;                                       // yield ≥ target
  std::vector<std::uint8_t> pass;
};

enum class ToleranceVerdict {
  kFound,        // bracket [pass, fail]: met at pass, missed at fail, fail − pass ≤ resolution
  kWholeRange,   // met at every value evaluated, high included: the tolerance is ≥ high
  kNone,         // missed at every value evaluated, low included
  kNonMonotone,  // the yield is not monotone in the parameter: no bracket is reported
};
const char* verdict_name(ToleranceVerdict v);  // "found", "whole-range", "none", "non-monotone"

struct ToleranceSearch {
  std::vector<SearchPoint> points;  // by value
  ToleranceVerdict verdict = ToleranceVerdict::kNone;
  int pass_index = -1, fail_index = -1;  // into points: the bracket's ends (-1: none)
  // Smallest sign-test p over the pairs of values (1 when no chip ever rose), with the
  // pair it belongs to, and for a non-monotone verdict the evidence in one sentence.
  double rise_p = 1.0;
  int rise_from = -1, rise_to = -1;
  std::string finding;
};

// Checks nothing about `s` (the caller validates); `pass_at` is called once per value.
ToleranceSearch search_tolerance(const SearchSettings& s, const PassFunction& pass_at);

// ⌈log2((high − low)/resolution)⌉ (0 when the range is within the resolution).
int bisection_steps(const SearchSettings& s);
// The most evaluations search_tolerance makes: bisection_steps + 2 + scan.
int max_evaluations(const SearchSettings& s);

// P(X ≥ k) for X ~ Binomial(n, 1/2).
double binomial_half_upper_tail(std::uint64_t k, std::uint64_t n);

}  // namespace xbarmc::study
