// IDX files (LeCun's MNIST format, also Fashion-MNIST), raw or gzip-compressed:
// a 4-byte magic {0, 0, type, ndim}, ndim big-endian uint32 dimensions, then the
// unsigned-byte payload (type 0x08). Images have ndim 3, labels ndim 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xbarmc {

// A stack of 8-bit grey images, [count × rows × cols] row-major.
struct Images {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;

  int pixels_per_image() const { return rows * cols; }
  const std::uint8_t* image(int i) const {
    return pixels.data() + static_cast<std::size_t>(i) * pixels_per_image();
  }
};

// Both read `path` whether it is gzip-compressed or not. Each problem — missing
// or unreadable file, corrupt gzip stream, wrong magic number or element type,
// zero dimensions, truncated payload, trailing bytes — throws UserError with one
// line naming the file.
Images read_idx_images(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

// Writers for tests and tools: `gzip` chooses compression. Not atomic (test data).
void write_idx_images(const std::string& path, const Images& images, bool gzip);
void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels, bool gzip);

}  // namespace xbarmc
