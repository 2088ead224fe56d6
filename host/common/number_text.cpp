#include "common/number_text.hpp"

#include <cstdio>
#include <cstdlib>

namespace xbarmc {

std::string round_trip_text(double v) {
  char buf[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace xbarmc
