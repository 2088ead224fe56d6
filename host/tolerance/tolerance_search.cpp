#include "tolerance/tolerance_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/number_text.hpp"
#include "stats/statistics.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {
namespace {

std::string yield_text(const SearchPoint& p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", p.yield);
  return buf;
}

class Search {
 public:
  Search(const SearchSettings& s, const PassFunction& pass_at) : s_(s), pass_at_(pass_at) {}

  // The point at `value`, evaluated once.
  const SearchPoint& at(double value) {
    for (const SearchPoint& p : r_.points) {
      if (p.value == value) return p;
    }
    SearchPoint p;
    p.value = value;
    p.order = static_cast<int>(r_.points.size());
    p.pass = pass_at_(value);
    p.chips = p.pass.size();
    for (std::uint8_t ok : p.pass) p.passes += ok != 0;
    p.yield = p.chips ? static_cast<double>(p.passes) / static_cast<double>(p.chips) : 0.0;
    const Interval w = wilson_interval(p.passes, p.chips);
    p.wilson_low = w.low;
    p.wilson_high = w.high;
    p.meets = meets_threshold(p.yield, s_.target);
    const auto where = std::upper_bound(r_.points.begin(), r_.points.end(), value,
                                        [](double v, const SearchPoint& q) { return v < q.value; });
    return *r_.points.insert(where, std::move(p));
  }

  // Evenly spaced values inside (low, high): low + k·(high − low)/(n + 1), k = 1 … n.
  void grid(int n) {
    for (int k = 1; k <= n; ++k) at(s_.low + (s_.high - s_.low) * k / (n + 1));
  }

  // A failure below a pass contradicts a yield that falls with the value.
  bool contradiction() {
    for (std::size_t i = 0; i < r_.points.size(); ++i) {
      if (r_.points[i].meets) continue;
      for (std::size_t j = i + 1; j < r_.points.size(); ++j) {
        if (!r_.points[j].meets) continue;
        const SearchPoint &a = r_.points[i], &b = r_.points[j];
        r_.finding = "the target is missed at " + round_trip_text(a.value) + " (yield " +
                     yield_text(a) + ") but met at the larger " + round_trip_text(b.value) +
                     " (yield " + yield_text(b) + ")";
        return true;
      }
    }
    return false;
  }

  void bisect() {
    int pass = -1, fail = -1;
    for (std::size_t i = 0; i < r_.points.size(); ++i) {
      if (r_.points[i].meets) pass = static_cast<int>(i);
      if (!r_.points[i].meets && fail < 0) fail = static_cast<int>(i);
    }
    double good = r_.points[pass].value, bad = r_.points[fail].value;
    // At most bisection_steps halvings: the cap only guards against rounding.
    for (int step = 0; step < bisection_steps(s_) && bad - good > s_.resolution; ++step) {
      const SearchPoint& mid = at(good + 0.5 * (bad - good));
      (mid.meets ? good : bad) = mid.value;
    }
    for (std::size_t i = 0; i < r_.points.size(); ++i) {
      if (r_.points[i].value == good) r_.pass_index = static_cast<int>(i);
      if (r_.points[i].value == bad) r_.fail_index = static_cast<int>(i);
    }
  }

  // The one-sided sign test of every pair a < b on the chips that changed.
  void sign_tests() {
    const std::size_t n = r_.points.size();
    const double pairs = static_cast<double>(n * (n - 1) / 2);
    std::uint64_t best_up = 0, best_down = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        std::uint64_t up = 0, down = 0;
        const std::vector<std::uint8_t>&a = r_.points[i].pass, &b = r_.points[j].pass;
        for (std::size_t c = 0; c < a.size() && c < b.size(); ++c) {
          up += !a[c] && b[c];
          down += a[c] && !b[c];
        }
        const double p = up ? binomial_half_upper_tail(up, up + down) : 1.0;
        if (p < r_.rise_p) {
          r_.rise_p = p;
          r_.rise_from = static_cast<int>(i);
          r_.rise_to = static_cast<int>(j);
          best_up = up;
          best_down = down;
        }
      }
    }
    if (r_.verdict == ToleranceVerdict::kNonMonotone || pairs == 0 ||
        r_.rise_p >= s_.alpha / pairs) {
      return;
    }
    const SearchPoint &a = r_.points[r_.rise_from], &b = r_.points[r_.rise_to];
    char test[160];
    std::snprintf(test, sizeof test, "(one-sided sign test p = %.2g < %.2g / %.0f pairs)",
                  r_.rise_p, s_.alpha, pairs);
    r_.verdict = ToleranceVerdict::kNonMonotone;
    r_.finding = "the yield rises from " + yield_text(a) + " at " + round_trip_text(a.value) +
                 " to " + yield_text(b) + " at the larger " + round_trip_text(b.value) + ": " +
                 std::to_string(best_up) + " chips pass there that fail at " +
                 round_trip_text(a.value) + ", " + std::to_string(best_down) + " the other way " +
                 test;
  }

  ToleranceSearch run() {
    at(s_.low);
    at(s_.high);
    grid(s_.scan);
    if (!contradiction()) {
      const bool all = std::all_of(r_.points.begin(), r_.points.end(),
                                   [](const SearchPoint& p) { return p.meets; });
      const bool none = std::none_of(r_.points.begin(), r_.points.end(),
                                     [](const SearchPoint& p) { return p.meets; });
      if (all || none) {
        // No bracket: check inside the range what bisection would have spent.
        grid(bisection_steps(s_));
        if (!contradiction()) {
          r_.verdict = all ? ToleranceVerdict::kWholeRange : ToleranceVerdict::kNone;
        } else {
          r_.verdict = ToleranceVerdict::kNonMonotone;
        }
      } else {
        bisect();
        r_.verdict = ToleranceVerdict::kFound;
      }
    } else {
      r_.verdict = ToleranceVerdict::kNonMonotone;
    }
    sign_tests();
    if (r_.verdict != ToleranceVerdict::kFound) r_.pass_index = r_.fail_index = -1;
    return std::move(r_);
  }

 private:
  const SearchSettings& s_;
  const PassFunction& pass_at_;
  ToleranceSearch r_;
};

}  // namespace

const char* verdict_name(ToleranceVerdict v) {
  switch (v) {
    case ToleranceVerdict::kFound:
      return "found";
    case ToleranceVerdict::kWholeRange:
      return "whole-range";
    case ToleranceVerdict::kNone:
      return "none";
    case ToleranceVerdict::kNonMonotone:
      break;
  }
  return "non-monotone";
}

int bisection_steps(const SearchSettings& s) {
  const double ratio = (s.high - s.low) / s.resolution;
  if (!(ratio > 1.0)) return 0;
  // ⌈log2⌉, robust to log2 landing a hair above an exact power of two.
  int steps = 0;
  while (std::ldexp(s.resolution, steps) < s.high - s.low) ++steps;
  return steps;
}

int max_evaluations(const SearchSettings& s) {
  return bisection_steps(s) + 2 + s.scan;
}

double binomial_half_upper_tail(std::uint64_t k, std::uint64_t n) {
  if (k == 0) return 1.0;
  if (k > n) return 0.0;
  const double nd = static_cast<double>(n);
  double sum = 0.0;
  for (std::uint64_t i = k; i <= n; ++i) {
    const double id = static_cast<double>(i);
    sum += std::exp(std::lgamma(nd + 1.0) - std::lgamma(id + 1.0) - std::lgamma(nd - id + 1.0) -
                    nd * std::log(2.0));
  }
  return std::min(1.0, sum);
}

ToleranceSearch search_tolerance(const SearchSettings& s, const PassFunction& pass_at) {
  return Search(s, pass_at).run();
}

}  // namespace xbarmc::study
