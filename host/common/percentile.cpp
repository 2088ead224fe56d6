#include "common/percentile.hpp"

#include <algorithm>
#include <cmath>

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

}  // namespace xbarmc
