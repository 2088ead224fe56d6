// Resizing an image to 8×8 (the resize feature methods of DESIGN §2.1). Output
// cell o of an axis of length n covers the input interval [o·n/8, (o+1)·n/8):
//   avg_8x8:      area average (each pixel weighted by its overlap with the cell),
//   bilinear_8x8: bilinear sample at the cell centre, src = (o + ½)·n/8 − ½ (clamped),
//   max_8x8:      maximum over the pixels that overlap the cell.
// Pixels are divided by 255, so every output lies in [0, 1].
#pragma once

#include <cstdint>

#include "features/feature_spec.hpp"

namespace xbarmc {

constexpr int kResizeSide = 8;

// `out` receives 64 values, row-major. `method` must be a resize method.
void resize_to_8x8(FeatureMethod method, const std::uint8_t* image, int rows, int cols, float* out);

}  // namespace xbarmc
