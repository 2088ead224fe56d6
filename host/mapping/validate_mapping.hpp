// Validation of the mapping parameters (DESIGN §2.3), in one place (STYLE.md):
// throws UserError naming the CLI option and the bad value.
#pragma once

#include "xbarmc/mapping.hpp"

namespace xbarmc {

// weight_bits in 1..8; R_on and R_off finite and > 0; R_on < R_off.
void validate_mapping(const MappingParams& p);

}  // namespace xbarmc
