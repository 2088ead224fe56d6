// Decimal text of a double that reads back as exactly the same double (round trip):
// the shortest "%.Ng" that does, so 0.05 prints as "0.05", not 0.050000000000000003.
// Used wherever a number is written as text and read again (study keys, resolved
// thresholds handed between runs).
#pragma once

#include <string>

namespace xbarmc {

std::string round_trip_text(double v);

}  // namespace xbarmc
