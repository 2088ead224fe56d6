// Where a results file came from (DESIGN §3 root attributes): this process's command
// line, the UTC time and a checksum of an input file's bytes.
#pragma once

#include <string>

namespace xbarmc::study {

// The command line of this process (/proc/self/cmdline), arguments with spaces quoted.
std::string current_command_line();
// "2026-11-24T22:36:40Z".
std::string utc_now_iso8601();
// FNV-1a 64 of the file's bytes as 16 hex digits; throws UserError if unreadable.
std::string file_checksum(const std::string& path);

}  // namespace xbarmc::study
