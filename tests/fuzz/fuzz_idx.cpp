// Fuzzes the IDX readers (data/idx), raw and gzip-compressed. Byte 0 picks the
// reader (bit 0: images or labels) and the container (bit 1: the rest is written
// as it is, so corrupt gzip streams are fuzzed too; else it is gzip-compressed
// first, so mutations reach the IDX header inside a valid stream).
#include <zlib.h>

#include <string>
#include <string_view>

#include "data/idx.hpp"
#include "fuzz_support.hpp"

namespace {

std::string gzip(std::string_view bytes) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using xbarmc::fuzz::finding;
  if (size < 1) return 0;
  const bool labels = data[0] & 1, as_is = data[0] & 2;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const std::string path = xbarmc::fuzz::scratch_path("data.idx");
  xbarmc::fuzz::write_scratch(path, as_is ? std::string(rest) : gzip(rest));

  xbarmc::fuzz::expect_success_or_user_error([&] {
    if (labels) {
      const std::vector<std::uint8_t> l = xbarmc::read_idx_labels(path);
      if (l.empty()) finding("idx", "read an empty label file");
    } else {
      const xbarmc::Images im = xbarmc::read_idx_images(path);
      if (im.count < 1 || im.rows < 1 || im.cols < 1 ||
          im.pixels.size() != static_cast<std::size_t>(im.count) * im.pixels_per_image()) {
        finding("idx", "image dimensions do not match the pixels");
      }
    }
  });
  return 0;
}
