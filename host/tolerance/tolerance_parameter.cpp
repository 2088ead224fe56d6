#include "tolerance/tolerance_parameter.hpp"

#include "common/errors.hpp"

namespace xbarmc::study {
namespace {

struct Parameter {
  const char* name;
  double DeviceParams::*field;
  double DeviceParams::*second;  // r-wire sets both wire resistances; else null
};

const Parameter kParameters[] = {
    {"d2d-sigma", &DeviceParams::d2d_sigma, nullptr},
    {"a2a-sigma", &DeviceParams::a2a_sigma, nullptr},
    {"c2c-sigma", &DeviceParams::c2c_sigma, nullptr},
    {"p-stuck-on", &DeviceParams::p_stuck_on, nullptr},
    {"p-stuck-off", &DeviceParams::p_stuck_off, nullptr},
    {"nu-mean", &DeviceParams::nu_mean, nullptr},
    {"nu-std", &DeviceParams::nu_std, nullptr},
    {"drift-spread", &DeviceParams::drift_spread, nullptr},
    {"read-sigma", &DeviceParams::read_sigma, nullptr},
    {"read-sigma-abs", &DeviceParams::read_sigma_abs_a, nullptr},
    {"r-wl", &DeviceParams::r_wl_ohm, nullptr},
    {"r-bl", &DeviceParams::r_bl_ohm, nullptr},
    {"r-wire", &DeviceParams::r_wl_ohm, &DeviceParams::r_bl_ohm},
};

const Parameter& find(const std::string& name) {
  for (const Parameter& p : kParameters) {
    if (name == p.name) return p;
  }
  std::string list;
  for (const std::string& n : tolerance_parameter_names()) list += (list.empty() ? "" : ", ") + n;
  throw UserError("--vary '" + name + "': expected one of " + list);
}

}  // namespace

const std::vector<std::string>& tolerance_parameter_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Parameter& p : kParameters) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

void check_tolerance_parameter(const std::string& name, const DeviceParams& d) {
  const Parameter& p = find(name);
  if ((p.field == &DeviceParams::r_wl_ohm || p.field == &DeviceParams::r_bl_ohm) &&
      d.ir_drop == IrDropModel::kNone) {
    throw UserError("--vary " + name +
                    ": with --ir-drop none the wire resistance changes nothing (use "
                    "--ir-drop first_order or nodal)");
  }
}

double tolerance_parameter(const DeviceParams& d, const std::string& name) {
  return d.*find(name).field;
}

void set_tolerance_parameter(DeviceParams& d, const std::string& name, double value) {
  const Parameter& p = find(name);
  d.*p.field = value;
  if (p.second) d.*p.second = value;
}

}  // namespace xbarmc::study
