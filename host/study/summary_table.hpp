// The summary table printed at the end of `xbarmc mc` and `xbarmc merge`, and the
// time labels every study table uses.
#pragma once

#include <cstdio>
#include <string>

#include "stats/outcome.hpp"

namespace xbarmc::study {

// References, then one line per time with the statistics and the yield of every
// spec, then the checksum.
void print_summary_table(const StudyOutcome& o, const ReferenceAccuracies& refs, std::FILE* out);

// "1 s", "1 h", "30 d", "10 y" when exact, else seconds ("4.2e+04 s").
std::string format_time(double seconds);

}  // namespace xbarmc::study
