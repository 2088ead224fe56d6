// A measured level table (DESIGN §2.8, `--device-table FILE.csv`): the conductance of
// every level and, optionally, its own C2C σ, drift ν (mean, std) and relative read σ.
// Header `level,g_s,c2c_sigma,nu_mean,nu_std,read_sigma` in any order; `level`
// required, any other column may be left out (the scalar option, or for g_s the levels
// computed from R_on, R_off and the spacing, then applies to every level). Exactly 2^weight_bits
// lines for levels 0..L−1, g_s strictly increasing and > 0, σ and ν ≥ 0, no NaN or Inf: anything
// else is a UserError naming the file, line and value.
#pragma once

#include <string>
#include <vector>

#include "xbarmc/mapping.hpp"
#include "xbarmc/params.hpp"

namespace xbarmc {

struct DeviceTable {
  std::string path;
  std::vector<double> g_s;          // [L] siemens, level 0 first; empty: column left out
  std::vector<LevelDevice> levels;  // [L], scalars where a column was left out
  bool c2c = false, nu_mean = false, nu_std = false, read_sigma = false;  // columns given
};

// Reads `path` for 2^weight_bits levels; `scalars` fill the columns left out.
DeviceTable load_device_table(const std::string& path, int weight_bits,
                              const DeviceParams& scalars);

// True when the table at `path` has a statistics column (c2c_sigma, nu_mean, nu_std or
// read_sigma), not only levels and conductances. Reads the header line only.
bool device_table_has_statistics(const std::string& path);

// `params` with the table's conductances as its levels (MappingParams::table_g_s).
MappingParams with_device_table(MappingParams params, const DeviceTable& table);

}  // namespace xbarmc
