#include "common/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/errors.hpp"

namespace xbarmc {
namespace {

// Order statistic index ⌊h⌋ and weight t of h = q/100·(n−1).
struct Position {
  std::size_t lo = 0;
  double t = 0.0;
};

Position position(std::size_t n, double q) {
  const double h = q / 100.0 * static_cast<double>(n - 1);
  const double lo = std::floor(h);
  return {static_cast<std::size_t>(lo), h - lo};
}

// numpy's _lerp: a + (b − a)·t below t = 0.5, b − (b − a)·(1 − t) from there.
double lerp(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

}  // namespace

double percentile_of_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) throw InternalError("percentile of an empty set");
  const Position p = position(sorted.size(), q);
  if (p.lo + 1 >= sorted.size()) return sorted.back();
  return lerp(sorted[p.lo], sorted[p.lo + 1], p.t);
}

double percentile_linear(std::vector<double> values, double q) {
  if (values.empty()) throw InternalError("percentile of an empty set");
  const Position p = position(values.size(), q);
  const auto lo = values.begin() + static_cast<std::ptrdiff_t>(std::min(p.lo, values.size() - 1));
  std::nth_element(values.begin(), lo, values.end());
  if (p.lo + 1 >= values.size()) return *lo;
  return lerp(*lo, *std::min_element(lo + 1, values.end()), p.t);
}

namespace {
constexpr int kKeyBits = 18;  // sign, exponent and 6 mantissa bits of a double
}

TwoPassPercentile::TwoPassPercentile(double q) : q_(q), counts_(std::size_t(1) << kKeyBits, 0) {}

std::uint32_t TwoPassPercentile::key(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);  // v ≥ 0: bit patterns order like the values
  return static_cast<std::uint32_t>(bits >> (64 - kKeyBits));
}

void TwoPassPercentile::add(double v) {
  const std::uint32_t k = key(v);
  if (pass_ == 1) {
    ++counts_[k];
    ++n_;
  } else if (k >= key_lo_ && k <= key_hi_) {
    kept_.push_back(v);
  }
}

void TwoPassPercentile::merge(const TwoPassPercentile& o) {
  if (pass_ == 1) {
    for (std::size_t k = 0; k < counts_.size(); ++k) counts_[k] += o.counts_[k];
    n_ += o.n_;
  } else {
    kept_.insert(kept_.end(), o.kept_.begin(), o.kept_.end());
  }
}

bool TwoPassPercentile::start_pass2() {
  if (n_ == 0) return false;
  const Position p = position(static_cast<std::size_t>(n_), q_);
  const std::uint64_t lo = p.lo, hi = std::min<std::uint64_t>(p.lo + 1, n_ - 1);
  std::uint64_t seen = 0;
  bool found_lo = false;
  for (std::uint32_t k = 0; k < counts_.size(); ++k) {
    if (!found_lo && seen + counts_[k] > lo) {
      key_lo_ = k;
      below_ = seen;
      found_lo = true;
    }
    if (seen + counts_[k] > hi) {
      key_hi_ = k;
      break;
    }
    seen += counts_[k];
  }
  pass_ = 2;
  kept_.clear();
  return true;
}

double TwoPassPercentile::result() const {
  if (n_ == 0) throw InternalError("percentile of an empty set");
  std::vector<double> kept = kept_;
  std::sort(kept.begin(), kept.end());
  const Position p = position(static_cast<std::size_t>(n_), q_);
  const std::size_t lo = static_cast<std::size_t>(p.lo - below_);
  if (p.lo + 1 >= n_) return kept.at(lo);
  return lerp(kept.at(lo), kept.at(lo + 1), p.t);
}

}  // namespace xbarmc
