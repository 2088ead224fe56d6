#include "data/idx.hpp"

#include <zlib.h>

#include <cstdio>
#include <limits>
#include <memory>
#include <type_traits>

#include "common/errors.hpp"

namespace xbarmc {
namespace {

constexpr std::uint8_t kTypeUnsignedByte = 0x08;
// Larger than any image set this tool is meant for; guards against absurd headers.
constexpr std::uint64_t kMaxPayloadBytes = std::uint64_t{1} << 32;

// zlib's messages may start with "<path>: "; the caller names the file already.
std::string zlib_reason(const char* msg, const std::string& path) {
  std::string reason = msg ? msg : "unknown zlib error";
  if (reason.rfind(path + ": ", 0) == 0) reason.erase(0, path.size() + 2);
  return reason;
}

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// The whole file, decompressed if it is gzip (zlib reads plain files unchanged).
std::vector<std::uint8_t> read_all(const std::string& path) {
  GzHandle f(gzopen(path.c_str(), "rb"));
  if (!f) throw UserError(path + ": cannot open IDX file");
  std::vector<std::uint8_t> bytes;
  std::uint8_t chunk[1 << 16];
  for (;;) {
    const int n = gzread(f.get(), chunk, sizeof chunk);
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(f.get(), &code);
      throw UserError(path + ": corrupt gzip data (" + zlib_reason(msg, path) + ")");
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  int code = 0;
  const char* msg = gzerror(f.get(), &code);
  if (code != Z_OK) {
    // A gzip stream cut short reads as Z_BUF_ERROR ("unexpected end of file").
    throw UserError(path + ": truncated or corrupt gzip data (" + zlib_reason(msg, path) + ")");
  }
  return bytes;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Checks the header of an IDX file with `ndim` dimensions; returns the dimensions
// and leaves the payload at bytes[header_size, end).
std::vector<std::uint32_t> parse_header(const std::vector<std::uint8_t>& bytes, int ndim,
                                        const std::string& path, const char* what) {
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(ndim);
  if (bytes.size() < 4) throw UserError(path + ": not an IDX file (shorter than its magic number)");
  const std::uint32_t expected_magic =
      (std::uint32_t{kTypeUnsignedByte} << 8) | static_cast<std::uint32_t>(ndim);
  const std::uint32_t magic = big_endian_u32(bytes.data());
  if (magic != expected_magic) {
    char buf[160];
    std::snprintf(buf, sizeof buf, ": bad magic number 0x%08X, expected 0x%08X (%s)", magic,
                  expected_magic, what);
    throw UserError(path + buf);
  }
  if (bytes.size() < header) throw UserError(path + ": truncated IDX header");
  std::vector<std::uint32_t> dims(ndim);
  std::uint64_t payload = 1;
  for (int d = 0; d < ndim; ++d) {
    dims[d] = big_endian_u32(bytes.data() + 4 + 4 * d);
    if (dims[d] == 0) throw UserError(path + ": dimension " + std::to_string(d) + " is zero");
    payload *= dims[d];
    if (payload > kMaxPayloadBytes) throw UserError(path + ": IDX dimensions too large");
  }
  const std::uint64_t have = bytes.size() - header;
  if (have < payload) {
    throw UserError(path + ": truncated: header promises " + std::to_string(payload) +
                    " data bytes, file holds " + std::to_string(have));
  }
  if (have > payload) {
    throw UserError(path + ": " + std::to_string(have - payload) +
                    " trailing bytes after the IDX data");
  }
  return dims;
}

void write_all(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gzip) {
  GzHandle f(gzopen(path.c_str(), gzip ? "wb6" : "wbT"));  // "T": plain, no gzip header
  if (!f) throw UserError(path + ": cannot create file");
  if (!bytes.empty() && gzwrite(f.get(), bytes.data(), static_cast<unsigned>(bytes.size())) !=
                            static_cast<int>(bytes.size())) {
    throw UserError(path + ": write failed");
  }
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

Images read_idx_images(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_all(path);
  const std::vector<std::uint32_t> dims = parse_header(bytes, 3, path, "ubyte images, 3 dims");
  constexpr auto kMaxInt = static_cast<std::uint32_t>(std::numeric_limits<int>::max());
  if (dims[0] > kMaxInt || dims[1] > 4096 || dims[2] > 4096) {
    throw UserError(path + ": image dimensions out of range");
  }
  Images out;
  out.count = static_cast<int>(dims[0]);
  out.rows = static_cast<int>(dims[1]);
  out.cols = static_cast<int>(dims[2]);
  out.pixels.assign(bytes.begin() + 16, bytes.end());
  return out;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_all(path);
  parse_header(bytes, 1, path, "ubyte labels, 1 dim");
  return std::vector<std::uint8_t>(bytes.begin() + 8, bytes.end());
}

void write_idx_images(const std::string& path, const Images& images, bool gzip) {
  std::vector<std::uint8_t> bytes;
  put_u32(bytes, 0x00000803u);
  put_u32(bytes, static_cast<std::uint32_t>(images.count));
  put_u32(bytes, static_cast<std::uint32_t>(images.rows));
  put_u32(bytes, static_cast<std::uint32_t>(images.cols));
  bytes.insert(bytes.end(), images.pixels.begin(), images.pixels.end());
  write_all(path, bytes, gzip);
}

void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels, bool gzip) {
  std::vector<std::uint8_t> bytes;
  put_u32(bytes, 0x00000801u);
  put_u32(bytes, static_cast<std::uint32_t>(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  write_all(path, bytes, gzip);
}

}  // namespace xbarmc
