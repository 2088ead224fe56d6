#include "results/provenance.hpp"

#include <ctime>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/errors.hpp"
#include "common/fnv1a.hpp"

namespace xbarmc::study {

std::string current_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out, arg;
  const auto flush = [&] {
    if (!out.empty()) out += ' ';
    out += arg.find_first_of(" \t\"'") == std::string::npos && !arg.empty() ? arg : "'" + arg + "'";
    arg.clear();
  };
  for (char ch : raw) {
    if (ch == '\0') {
      flush();
    } else {
      arg += ch;
    }
  }
  if (!arg.empty()) flush();
  return out;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read " + path);
  std::uint64_t h = kFnvOffset;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h = fnv1a_bytes(buf.data(), static_cast<std::size_t>(in.gcount()), h);
  }
  return hex64(h);
}

}  // namespace xbarmc::study
