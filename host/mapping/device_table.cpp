#include "mapping/device_table.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "common/errors.hpp"
#include "io/file_bytes.hpp"

namespace xbarmc {
namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return s.substr(a, b - a);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(trim(field));
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw UserError(where + ": " + what);
}

double number(const std::string& where, const std::string& column, const std::string& field) {
  double v = 0.0;
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, v);
  if (field.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    fail(where, column + " '" + field.substr(0, 40) + "' is not a finite number");
  }
  return v;
}

}  // namespace

DeviceTable load_device_table(const std::string& path, int weight_bits,
                              const DeviceParams& scalars) {
  std::string text = read_file_bytes(path);
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!trim(line).empty()) break;
  }
  const std::vector<std::string> header = split(line);
  const char* const kColumns[] = {"level", "g_s", "c2c_sigma", "nu_mean", "nu_std", "read_sigma"};
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.size(); ++i) {
    bool known = false;
    for (const char* c : kColumns) known = known || header[i] == c;
    const std::string where = path + ":" + std::to_string(line_no);
    if (!known) {
      fail(where, "unknown column '" + header[i].substr(0, 40) +
                      "' (expected level,g_s,c2c_sigma,nu_mean,nu_std,read_sigma)");
    }
    if (!column.emplace(header[i], i).second) fail(where, "column '" + header[i] + "' twice");
  }
  if (!column.count("level")) {
    fail(path + ":" + std::to_string(line_no), "the header needs the column level");
  }
  DeviceTable t;
  t.path = path;
  t.c2c = column.count("c2c_sigma") > 0;
  t.nu_mean = column.count("nu_mean") > 0;
  t.nu_std = column.count("nu_std") > 0;
  t.read_sigma = column.count("read_sigma") > 0;
  const int n_levels = 1 << weight_bits;
  t.g_s.assign(static_cast<std::size_t>(n_levels), 0.0);
  t.levels.assign(static_cast<std::size_t>(n_levels), scalar_level_device(scalars));
  std::vector<bool> seen(static_cast<std::size_t>(n_levels), false);
  int rows = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    const std::vector<std::string> f = split(line);
    if (f.size() != header.size()) {
      fail(where,
           std::to_string(f.size()) + " fields, the header has " + std::to_string(header.size()));
    }
    const double level_value = number(where, "level", f[column["level"]]);
    if (level_value != std::floor(level_value) || level_value < 0 || level_value >= n_levels) {
      fail(where, "level " + f[column["level"]] + " is not one of 0.." +
                      std::to_string(n_levels - 1) + " (" + std::to_string(n_levels) +
                      " levels of --weight-bits " + std::to_string(weight_bits) + ")");
    }
    const auto k = static_cast<std::size_t>(level_value);
    if (seen[k]) fail(where, "level " + std::to_string(k) + " twice");
    seen[k] = true;
    ++rows;
    if (column.count("g_s")) {
      const double g = number(where, "g_s", f[column["g_s"]]);
      if (!(g > 0.0)) fail(where, "g_s " + f[column["g_s"]] + " must be > 0");
      t.g_s[k] = g;
    }
    const auto non_negative = [&](const char* name, double* out) {
      if (!column.count(name)) return;
      const double v = number(where, name, f[column[name]]);
      if (v < 0.0) fail(where, std::string(name) + " " + f[column[name]] + " must be >= 0");
      *out = v;
    };
    non_negative("c2c_sigma", &t.levels[k].c2c_sigma);
    non_negative("nu_mean", &t.levels[k].nu_mean);
    non_negative("nu_std", &t.levels[k].nu_std);
    non_negative("read_sigma", &t.levels[k].read_sigma);
  }
  if (rows != n_levels) {
    fail(path, std::to_string(rows) + " levels, --weight-bits " + std::to_string(weight_bits) +
                   " needs " + std::to_string(n_levels));
  }
  if (!column.count("g_s")) t.g_s.clear();  // the computed levels (R_on, R_off, spacing)
  for (std::size_t k = 1; k < t.g_s.size(); ++k) {
    if (!(t.g_s[k] > t.g_s[k - 1])) {
      std::ostringstream m;
      m.precision(17);
      m << "g_s of level " << k << " (" << t.g_s[k] << ") is not above level " << k - 1 << "'s ("
        << t.g_s[k - 1] << "): the levels must increase strictly";
      fail(path, m.str());
    }
  }
  return t;
}

bool device_table_has_statistics(const std::string& path) {
  std::istringstream in(read_file_bytes(path));
  std::string line;
  while (std::getline(in, line) && trim(line).empty()) {
  }
  for (const std::string& column : split(line)) {
    if (column == "c2c_sigma" || column == "nu_mean" || column == "nu_std" ||
        column == "read_sigma") {
      return true;
    }
  }
  return false;
}

MappingParams with_device_table(MappingParams params, const DeviceTable& table) {
  if (table.g_s.empty()) return params;
  params.table_levels = static_cast<int>(table.g_s.size());
  for (std::size_t k = 0; k < table.g_s.size(); ++k) params.table_g_s[k] = table.g_s[k];
  return params;
}

}  // namespace xbarmc
