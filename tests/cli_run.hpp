// Running the xbarmc binary from end-to-end tests: exit status plus captured stdout
// and stderr (through files in the test's temporary folder).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
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

// Damage done to an HDF5 file given back to xbarmc (--resume, merge, --model).
enum class Damage {
  kTruncated,  // cut to half its length, as an interrupted copy leaves it
  kFlipped,    // one byte flipped inside the first object header (the root group's)
};

// Damages the HDF5 file at `path` in place. Returns false if it has no object header.
inline bool damage_hdf5(const std::string& path, Damage how) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (how == Damage::kTruncated) {
    bytes.resize(bytes.size() / 2);
  } else {
    const std::size_t header = bytes.find("OHDR");  // a version 2 object header's signature
    if (header == std::string::npos || header + 16 >= bytes.size()) return false;
    bytes[header + 12] = static_cast<char>(bytes[header + 12] ^ 0x5a);
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return true;
}

}  // namespace xbarmc::testing_cli
