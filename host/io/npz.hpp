// NumPy .npz archives (np.savez, np.savez_compressed): a zip file of .npy members, read
// with libzip. `xbarmc import` takes a network's weights and biases from one.
#pragma once

#include <string>
#include <vector>

#include "io/npy.hpp"

namespace xbarmc {

struct NpzMember {
  std::string name;  // the member's name without ".npy", e.g. "w0"
  NpyArray array;
};

// Every member in archive order, each parsed by parse_npy_array (1-D or 2-D float32 or
// float64). Throws UserError naming the file (and member): not a zip archive, a member
// that is not a .npy file or fails its CRC, two members of one name, no member at all.
std::vector<NpzMember> read_npz(const std::string& path);

}  // namespace xbarmc
