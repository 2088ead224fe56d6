#include "io/csv_matrix.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"
#include "io/file_bytes.hpp"

namespace xbarmc {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Shown in messages: long fields are cut so the message stays one short line.
std::string quoted(std::string_view field) {
  constexpr std::size_t kMaxShown = 40;
  std::string s(field.substr(0, kMaxShown));
  if (field.size() > kMaxShown) s += "...";
  return "'" + s + "'";
}

// Parses one value with from_chars: locale-independent, no hex, whole field only.
// A single leading '+' is allowed (from_chars rejects it). Returns what is wrong
// with the field, or nullptr.
const char* parse_value(std::string_view field, double* value) {
  if (!field.empty() && field.front() == '+') {
    field.remove_prefix(1);
    if (!field.empty() && (field.front() == '+' || field.front() == '-')) return "is not a number";
  }
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, *value);
  if (ec == std::errc::result_out_of_range) return "is out of the range of a double";
  if (ec != std::errc() || ptr != end) return "is not a number";
  if (!std::isfinite(*value)) return "is not finite";
  return nullptr;
}

std::string location(const std::string& name, int line) {
  return name + ":" + std::to_string(line);
}

}  // namespace

MatrixD parse_csv_matrix(std::string_view text, const std::string& name) {
  // A UTF-8 byte-order mark (spreadsheet exports) is not part of the data.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  // Split into lines; drop blank lines at the end only.
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) throw UserError(name + ": empty file, expected a numeric CSV matrix");

  MatrixD m;
  m.rows = static_cast<int>(lines.size());
  for (std::size_t li = 0; li < lines.size(); ++li) {
    const int line_no = static_cast<int>(li) + 1;
    std::string_view rest = lines[li];
    if (trim(rest).empty()) throw UserError(location(name, line_no) + ": empty line");
    int n_values = 0;
    for (;;) {
      const std::size_t comma = rest.find(',');
      const std::string_view field = trim(rest.substr(0, comma));
      ++n_values;
      double value = 0.0;
      if (field.empty()) {
        throw UserError(location(name, line_no) + ": value " + std::to_string(n_values) +
                        " is empty");
      }
      if (const char* problem = parse_value(field, &value)) {
        throw UserError(location(name, line_no) + ": value " + std::to_string(n_values) + " " +
                        quoted(field) + " " + problem);
      }
      m.data.push_back(value);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (li == 0) {
      m.cols = n_values;
    } else if (n_values != m.cols) {
      throw UserError(location(name, line_no) + ": " + std::to_string(n_values) +
                      " values, expected " + std::to_string(m.cols) + " as on line 1");
    }
  }
  return m;
}

MatrixD read_csv_matrix(const std::string& path) {
  return parse_csv_matrix(read_file_bytes(path), path);
}

void write_csv_matrix(const std::string& path, const MatrixD& m, int significant_digits) {
  AtomicFile file(path);
  std::FILE* out = std::fopen(file.temp_path().c_str(), "w");
  if (out == nullptr) throw UserError("cannot write " + path + ": " + std::strerror(errno));
  for (int r = 0; r < m.rows; ++r) {
    for (int c = 0; c < m.cols; ++c) {
      std::fprintf(out, c == 0 ? "%.*g" : ",%.*g", significant_digits, m(r, c));
    }
    std::fputc('\n', out);
  }
  const bool ok = std::ferror(out) == 0;
  if (std::fclose(out) != 0 || !ok) throw UserError("cannot write " + path);
  file.commit();
}

}  // namespace xbarmc
