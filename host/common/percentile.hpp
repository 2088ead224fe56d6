// Percentiles with numpy.percentile's default rule ("linear", DESIGN §2.6): the q-th
// percentile of n values is the order statistic at h = q/100·(n−1), interpolated
// between ⌊h⌋ and ⌊h⌋+1 as numpy's _lerp does (from the nearer end, so that t = 1
// gives the upper value exactly). The one rule for statistics, calibration and
// feature scaling.
#pragma once

#include <cstdint>
#include <vector>

namespace xbarmc {

// q in [0, 100] of ascending `sorted` values. Throws InternalError when empty.
double percentile_of_sorted(const std::vector<double>& sorted, double q);

// The same of unsorted values (a selection, not a full sort; pass by std::move when
// the caller is done with them). Throws InternalError when empty.
double percentile_linear(std::vector<double> values, double q);

// The same of a multiset too large to hold (tens of millions of values, e.g. a network's
// pooled column currents), fed twice: pass 1 counts the values by their top bits, pass
// 2 keeps only those that may be one of the two order statistics. Exact: the result
// equals percentile_linear of all values. Values must be finite and ≥ 0. One instance
// per thread; merge() the instances of a pass before moving on.
class TwoPassPercentile {
 public:
  explicit TwoPassPercentile(double q);
  void add(double v);
  void merge(const TwoPassPercentile& other);
  // After pass 1 (merged): choose what pass 2 keeps. Returns false when no value was seen.
  bool start_pass2();
  // Every instance of pass 2 must be given the merged pass-1 counts: copy it after start_pass2.
  double result() const;  // after pass 2 (merged)

 private:
  static std::uint32_t key(double v);
  double q_;
  int pass_ = 1;
  std::vector<std::uint64_t> counts_;  // pass 1, per key
  std::uint64_t n_ = 0;                // pass 1 total
  std::uint32_t key_lo_ = 0, key_hi_ = 0;
  std::uint64_t below_ = 0;   // values with a key below key_lo_
  std::vector<double> kept_;  // pass 2
};

}  // namespace xbarmc
