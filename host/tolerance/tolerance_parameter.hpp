// The device parameters a tolerance search can vary (DESIGN §2.9), by their option
// names: the σs (d2d, a2a, c2c), the stuck probabilities, ν mean and std, the drift
// spread, the read σs and the wire resistances (r-wl, r-bl, or r-wire for both). Each is
// a setting whose increase makes the chip worse, so yield is expected to fall with it.
#pragma once

#include <string>
#include <vector>

#include "xbarmc/params.hpp"

namespace xbarmc::study {

// The names --vary accepts, in the order the help lists them.
const std::vector<std::string>& tolerance_parameter_names();

// Throws UserError naming `name` and the valid names when it is not one of them, or
// naming the setting that makes it change nothing (a wire resistance with --ir-drop
// none).
void check_tolerance_parameter(const std::string& name, const DeviceParams& d);

// The parameter's value in `d` (r-wire: the word-line segment's).
double tolerance_parameter(const DeviceParams& d, const std::string& name);

// `d` with the parameter set to `value` (r-wire: both wire resistances).
void set_tolerance_parameter(DeviceParams& d, const std::string& name, double value);

}  // namespace xbarmc::study
