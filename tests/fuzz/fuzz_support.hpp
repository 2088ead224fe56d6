// What every harness shares: a scratch file per fuzzing process (readers that take a
// path get the fuzzed bytes through the file system, as the binary does), and the
// rule a reader must obey on hostile input (DESIGN §3): succeed, or throw UserError
// (exit status 2). Any other exception is a finding, like a crash or a sanitizer
// report: the harness prints it and aborts so that libFuzzer saves the input.
#pragma once

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"

namespace xbarmc::fuzz {

// "<tmp>/xbarmc-fuzz-<pid>-<stem>": one per process, so parallel jobs never collide.
inline std::string scratch_path(const std::string& stem) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  return (dir / ("xbarmc-fuzz-" + std::to_string(getpid()) + "-" + stem)).string();
}

inline void write_scratch(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::perror(path.c_str());
    std::abort();
  }
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

[[noreturn]] inline void finding(const char* what, const char* message) {
  std::fprintf(stderr, "FUZZ FINDING: %s: %s\n", what, message);
  std::abort();
}

// Runs `read`; a UserError is the expected answer to bad input.
template <class Fn>
void expect_success_or_user_error(Fn read) {
  try {
    read();
  } catch (const UserError& e) {
    // A user error is one line: the binary prints it after "xbarmc: error: ".
    if (std::string_view(e.what()).find('\n') != std::string_view::npos) {
      finding("UserError message spans several lines", e.what());
    }
  } catch (const std::exception& e) {
    finding("exception other than UserError", e.what());
  }
}

// Parses `args` (words after "xbarmc") with one subcommand added by `add`, mapping
// errors as main() does: UserError and CLI11 parse errors are bad input (exit 2).
inline void run_cli(void (*add)(CLI::App&), const std::vector<std::string>& args) {
  CLI::App app;
  app.require_subcommand(1);
  add(app);
  std::vector<const char*> argv = {"xbarmc"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  expect_success_or_user_error([&] {
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      throw UserError(e.what());
    }
  });
}

}  // namespace xbarmc::fuzz
