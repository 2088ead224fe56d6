#include "io/npy.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "io/file_bytes.hpp"

namespace xbarmc {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<long long> shape;
  bool has_descr = false, has_order = false, has_shape = false;
};

// Header text quoted in a message may hold line breaks: keep the message one line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// The header is a Python dict literal, e.g.
//   {'descr': '<f8', 'fortran_order': False, 'shape': (10, 64), }
// This reads exactly that grammar: string keys; string, True/False or int-tuple values.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  NpyHeader parse() {
    NpyHeader h;
    expect('{');
    while (peek() != '}') {
      const std::string key = quoted();
      expect(':');
      if (key == "descr") {
        h.descr = quoted();
        h.has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        h.has_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        h.has_shape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      if (peek() == ',') ++pos_;
    }
    ++pos_;
    if (!h.has_descr || !h.has_order || !h.has_shape) {
      fail("needs the keys 'descr', 'fortran_order' and 'shape'");
    }
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw UserError(name_ + ": malformed .npy header: " + one_line(what));
  }
  char peek() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    if (pos_ >= text_.size()) fail("ends early");
    return text_[pos_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "' at character " + std::to_string(pos_));
    ++pos_;
  }
  std::string quoted() {
    const char q = peek();
    if (q != '\'' && q != '"')
      fail("expected a quoted string at character " + std::to_string(pos_));
    const std::size_t end = text_.find(q, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    peek();
    for (const auto& [word, value] :
         {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    fail("fortran_order must be True or False");
  }
  std::vector<long long> tuple() {
    std::vector<long long> dims;
    expect('(');
    while (peek() != ')') {
      long long d = 0;
      std::size_t digits = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        d = d * 10 + (text_[pos_++] - '0');
        if (d > std::numeric_limits<int>::max()) fail("shape dimension too large");
        ++digits;
      }
      if (digits == 0) fail("shape must be a tuple of non-negative integers");
      dims.push_back(d);
      if (peek() == ',') ++pos_;
    }
    ++pos_;
    return dims;
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

std::string shape_text(const std::vector<long long>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    s += (k ? ", " : "") + std::to_string(shape[k]);
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

template <class T>
T load_le(const char* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));  // x86 and ARM hosts are little-endian, like '<'
  return x;
}

}  // namespace

namespace {

NpyArray parse_npy(std::string_view bytes, const std::string& name, bool allow_1d) {
  if (bytes.size() < 10 || bytes.substr(0, kMagic.size()) != kMagic) {
    throw UserError(name + ": not a .npy file (no \\x93NUMPY magic)");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, data_start = 0;
  if (major == 1) {
    header_len = load_le<std::uint16_t>(bytes.data() + 8);
    data_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw UserError(name + ": truncated .npy header");
    header_len = load_le<std::uint32_t>(bytes.data() + 8);
    data_start = 12;
  } else {
    throw UserError(name + ": unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(static_cast<unsigned char>(bytes[7])));
  }
  if (bytes.size() < data_start + header_len) throw UserError(name + ": truncated .npy header");
  const NpyHeader h = HeaderParser(bytes.substr(data_start, header_len), name).parse();
  data_start += header_len;

  std::size_t item = 0;
  if (h.descr == "<f8" || h.descr == "=f8") {
    item = 8;
  } else if (h.descr == "<f4" || h.descr == "=f4") {
    item = 4;
  } else {
    throw UserError(name + ": dtype '" + one_line(h.descr) +
                    "' is not supported; save the weights as float32 or float64 (little-endian)");
  }
  if (h.shape.size() != 2 && !(allow_1d && h.shape.size() == 1)) {
    throw UserError(name + ": shape " + shape_text(h.shape) +
                    (allow_1d ? " is neither 1-D nor 2-D" : " is not 2-D (n_out, n_in)"));
  }
  std::size_t n = 1;  // dimensions are <= INT_MAX: two of them fit in size_t
  for (long long d : h.shape) n *= static_cast<std::size_t>(d);
  if (n == 0) throw UserError(name + ": shape " + shape_text(h.shape) + " is empty");
  // Sizes are checked before allocating: a header may promise far more than the file
  // holds; n * item may not fit.
  const std::size_t have = bytes.size() - data_start;
  if (have % item != 0 || have / item != n) {
    const bool fits = n <= std::numeric_limits<std::size_t>::max() / item;
    throw UserError(name + ": holds " + std::to_string(have) + " bytes of data, shape " +
                    shape_text(h.shape) + " needs " +
                    (fits ? std::to_string(n * item) : "more than 2^64"));
  }
  NpyArray a;
  for (long long d : h.shape) a.shape.push_back(static_cast<std::size_t>(d));
  const std::size_t rows = a.shape[0], cols = a.shape.size() == 2 ? a.shape[1] : 1;
  a.data.resize(n);
  const char* data = bytes.data() + data_start;
  for (std::size_t k = 0; k < n; ++k) {
    const double x = item == 8 ? load_le<double>(data + 8 * k) : load_le<float>(data + 4 * k);
    // Element k of the file is (r, c) in C order, (c, r)-major in Fortran order.
    const std::size_t r = h.fortran_order ? k % rows : k / cols;
    const std::size_t c = h.fortran_order ? k / rows : k % cols;
    if (!std::isfinite(x)) {
      const std::string where = a.shape.size() == 2
                                    ? "row " + std::to_string(r) + ", column " + std::to_string(c)
                                    : "index " + std::to_string(r);
      throw UserError(name + ": value at " + where + " is " + (std::isnan(x) ? "NaN" : "infinite"));
    }
    a.data[r * cols + c] = x;
  }
  return a;
}

}  // namespace

NpyArray parse_npy_array(std::string_view bytes, const std::string& name) {
  return parse_npy(bytes, name, true);
}

NpyArray read_npy_array(const std::string& path) {
  return parse_npy_array(read_file_bytes(path), path);
}

MatrixD parse_npy_matrix(std::string_view bytes, const std::string& name) {
  NpyArray a = parse_npy(bytes, name, false);
  MatrixD m;
  m.rows = static_cast<int>(a.shape[0]);
  m.cols = static_cast<int>(a.shape[1]);
  m.data = std::move(a.data);
  return m;
}

MatrixD read_npy_matrix(const std::string& path) {
  return parse_npy_matrix(read_file_bytes(path), path);
}

std::string npy_bytes(const std::vector<std::size_t>& shape, const std::vector<double>& data) {
  std::string dims;
  for (std::size_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that magic + length + header + '\n' is a multiple of 64.
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes(kMagic);
  bytes += '\x01';
  bytes += '\x00';
  const auto len = static_cast<std::uint16_t>(header.size());
  bytes += static_cast<char>(len & 0xFF);
  bytes += static_cast<char>(len >> 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(double));
  return bytes;
}

void write_npy_matrix(const std::string& path, const MatrixD& m) {
  const std::string bytes =
      npy_bytes({static_cast<std::size_t>(m.rows), static_cast<std::size_t>(m.cols)}, m.data);
  AtomicFile file(path);
  std::FILE* out = std::fopen(file.temp_path().c_str(), "wb");
  if (out == nullptr) throw UserError("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
  if (std::fclose(out) != 0 || !ok) throw UserError("cannot write " + path);
  file.commit();
}

}  // namespace xbarmc
