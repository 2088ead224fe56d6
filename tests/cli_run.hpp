// Running the xbarmc binary from end-to-end tests: exit status plus captured stdout
// and stderr (through files in the test's temporary folder).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "test_train_data.hpp"

namespace xbarmc::testing_cli {

struct CliRun {
  int status = -1;  // exit status; -1 when killed by a signal
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `launcher xbarmc args` (launcher: e.g. "mpirun -n 2 ", or empty).
inline CliRun run_xbarmc(const testing_data::TempDir& dir, const std::string& args,
                         const std::string& launcher = "") {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  const std::string cmd = launcher + XBARMC_BINARY + " " + args + " >" + out + " 2>" + err;
  const int raw = std::system(cmd.c_str());
  CliRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace xbarmc::testing_cli
