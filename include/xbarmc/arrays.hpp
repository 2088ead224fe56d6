// Chips of many arrays (DESIGN §2.7): a layer's logical matrix — rows = inputs (plus a
// bias row), two columns per output — is cut into physical arrays of R_a × C_a cells.
// Array (l, r, c) holds the layer's rows [r·R_a, (r+1)·R_a) and outputs
// [c·C_a/2, (c+1)·C_a/2); arrays are numbered in (l, r, c) order. Within an array output
// j′ has columns 2j′, 2j′+1 (interleaved) or j′, C_a/2 + j′ (blocked). Cells an array
// does not use are ordinary cells at level 0; unused rows are held at 0 V; unused
// columns are not read.
//
// Keys (DESIGN §4): a cell's key is its array's cell_offset (the physical cells of all
// earlier arrays, unused ones included) + row·C_a + column; the A2A normal of array k is
// normal k of (seed, kArrayFactor, chip). A read-noise channel is the array's
// column_offset + column (scheme B) or output_offset + output (scheme A), over all
// arrays of the chip. One layer on one array of its size keeps the keys of §2.4–2.5.
#pragma once

#include <cstdint>

#include "xbarmc/chip.hpp"
#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/hd.hpp"
#include "xbarmc/mapping.hpp"
#include "xbarmc/params.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc {

// One physical array of a chip and the part of its layer it holds.
struct ArrayPlacement {
  int layer = 0, row_block = 0, output_block = 0;
  int rows = 0, cols = 0;            // physical R_a × C_a
  int row_begin = 0, rows_used = 0;  // logical rows [row_begin, row_begin + rows_used)
  int out_begin = 0, outs_used = 0;  // outputs [out_begin, out_begin + outs_used)
  std::uint32_t cell_offset = 0;     // key of cell (0, 0)
  std::uint32_t column_offset = 0;   // noise channel of column 0 (scheme B)
  std::uint32_t output_offset = 0;   // noise channel of output 0 (scheme A)

  XBARMC_HD int outputs() const { return cols / 2; }
  XBARMC_HD std::uint32_t cell_key(int row, int col) const {
    return cell_offset + static_cast<std::uint32_t>(row * cols + col);
  }
};

// The physical columns of the array's output j′ (mapping.hpp's rule over C_a/2 outputs).
XBARMC_HD int array_column_pos(Layout layout, const ArrayPlacement& a, int j) {
  return column_pos(layout, j, a.outputs());
}
XBARMC_HD int array_column_neg(Layout layout, const ArrayPlacement& a, int j) {
  return column_neg(layout, j, a.outputs());
}

// The array-to-array factor exp(σ_a2a·ξ_array) of array `array` of chip `chip`.
XBARMC_HD double a2a_factor(const DeviceParams& p, std::uint64_t seed, std::uint32_t chip,
                            std::uint32_t array) {
  if (p.a2a_sigma == 0.0) return 1.0;
  const double xi = stream_normal_double(make_stream(seed, Purpose::kArrayFactor, chip), array);
  return detail::portable_exp(p.a2a_sigma * xi);
}

// The factor every cell of an array is programmed with: D2D then A2A (G_target → D2D →
// A2A → C2C → stuck). Exactly d2d when σ_a2a = 0.
XBARMC_HD double array_factor(double d2d, double a2a) {
  return d2d * a2a;
}

}  // namespace xbarmc
