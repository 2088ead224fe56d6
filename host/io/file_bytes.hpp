// The whole content of an input file, with the one-line UserErrors every reader
// gives for a missing, unreadable or directory path.
#pragma once

#include <string>

namespace xbarmc {

std::string read_file_bytes(const std::string& path);

}  // namespace xbarmc
