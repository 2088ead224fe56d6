#include "features/resize_8x8.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/errors.hpp"

namespace xbarmc {
namespace {

// Weights w[o][p] of input pixel p in output cell o along one axis, as a dense
// [8 × n] table; avg rows sum to 1, bilinear rows hold two weights summing to 1.
std::vector<double> axis_weights(FeatureMethod method, int n) {
  std::vector<double> w(static_cast<std::size_t>(kResizeSide) * n, 0.0);
  const double scale = static_cast<double>(n) / kResizeSide;
  for (int o = 0; o < kResizeSide; ++o) {
    double* row = w.data() + static_cast<std::size_t>(o) * n;
    if (method == FeatureMethod::kBilinear8x8) {
      const double src = std::clamp((o + 0.5) * scale - 0.5, 0.0, static_cast<double>(n - 1));
      const int i0 = static_cast<int>(std::floor(src));
      const int i1 = std::min(i0 + 1, n - 1);
      const double frac = src - i0;
      row[i0] += 1.0 - frac;
      row[i1] += frac;
    } else {
      const double begin = o * scale, end = (o + 1) * scale;
      for (int p = static_cast<int>(std::floor(begin)); p < n && p < end; ++p) {
        const double overlap = std::min(end, p + 1.0) - std::max(begin, static_cast<double>(p));
        if (overlap > 0.0) row[p] = overlap / scale;
      }
    }
  }
  return w;
}

struct AxisTables {
  FeatureMethod method;
  int rows, cols;
  std::vector<double> wy, wx;
};

const AxisTables& tables_for(FeatureMethod method, int rows, int cols) {
  // One entry per (method, size) seen by this thread; images of a set share a size.
  thread_local std::vector<AxisTables> cache;
  for (const AxisTables& t : cache) {
    if (t.method == method && t.rows == rows && t.cols == cols) return t;
  }
  cache.push_back(
      AxisTables{method, rows, cols, axis_weights(method, rows), axis_weights(method, cols)});
  return cache.back();
}

}  // namespace

void resize_to_8x8(FeatureMethod method, const std::uint8_t* image, int rows, int cols,
                   float* out) {
  if (is_projection(method)) throw InternalError("resize_to_8x8 called with a projection method");
  const AxisTables& t = tables_for(method, rows, cols);
  for (int oy = 0; oy < kResizeSide; ++oy) {
    const double* wy = t.wy.data() + static_cast<std::size_t>(oy) * rows;
    for (int ox = 0; ox < kResizeSide; ++ox) {
      const double* wx = t.wx.data() + static_cast<std::size_t>(ox) * cols;
      double acc = 0.0;
      for (int y = 0; y < rows; ++y) {
        if (wy[y] == 0.0) continue;
        const std::uint8_t* line = image + static_cast<std::size_t>(y) * cols;
        for (int x = 0; x < cols; ++x) {
          if (wx[x] == 0.0) continue;
          if (method == FeatureMethod::kMax8x8) {
            acc = std::max(acc, static_cast<double>(line[x]));
          } else {
            acc += wy[y] * wx[x] * line[x];
          }
        }
      }
      // Weights sum to 1 up to rounding; the clamp keeps the [0, 1] promise exact.
      out[oy * kResizeSide + ox] = static_cast<float>(std::clamp(acc / 255.0, 0.0, 1.0));
    }
  }
}

}  // namespace xbarmc
