// Percentiles with numpy.percentile's default rule ("linear", DESIGN §2.6): the q-th
// percentile of n values is the order statistic at h = q/100·(n−1), interpolated
// between ⌊h⌋ and ⌊h⌋+1 as numpy's _lerp does (from the nearer end, so that t = 1
// gives the upper value exactly). The one rule for statistics, calibration and
// feature scaling.
#pragma once

#include <vector>

namespace xbarmc {

// q in [0, 100] of ascending `sorted` values. Throws InternalError when empty.
double percentile_of_sorted(const std::vector<double>& sorted, double q);

// The same of unsorted values (a selection, not a full sort; pass by std::move when
// the caller is done with them). Throws InternalError when empty.
double percentile_linear(std::vector<double> values, double q);

}  // namespace xbarmc
