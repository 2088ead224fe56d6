#include "mapping/validate_mapping.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "common/errors.hpp"

namespace xbarmc {
namespace {

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

void require_resistance(const char* option, double ohm) {
  // 1/R too: below ~5.6e-309 ohm the conductance overflows to inf (and maps to nonsense).
  if (!std::isfinite(ohm) || !(ohm > 0.0) || !std::isfinite(1.0 / ohm)) {
    throw UserError(std::string(option) + " " + number(ohm) +
                    ": a resistance must be a positive, finite number of ohms with a "
                    "finite conductance 1/R");
  }
}

}  // namespace

void validate_mapping(const MappingParams& p) {
  if (p.weight_bits < 1 || p.weight_bits > kMaxWeightBits) {
    throw UserError("--weight-bits " + std::to_string(p.weight_bits) + ": must be in 1.." +
                    std::to_string(kMaxWeightBits));
  }
  require_resistance("--r-on", p.r_on_ohm);
  require_resistance("--r-off", p.r_off_ohm);
  if (!(p.r_on_ohm < p.r_off_ohm)) {
    throw UserError("--r-on " + number(p.r_on_ohm) + " must be below --r-off " +
                    number(p.r_off_ohm) + " (R_on is the low-resistance state)");
  }
}

}  // namespace xbarmc
