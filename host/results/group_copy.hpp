// Assembling a results file from finished study files (drift: two mc runs; sweep: the
// test evaluations): copy a group with everything under it, and the provenance root
// attributes (DESIGN §3), from one HDF5 file into another.
#pragma once

#include <string>

#include "io/h5.hpp"

namespace xbarmc::study {

// Copies `src_path` of `src` (a group or dataset, with its attributes and children) to
// `dst_path` of `dst`, creating missing intermediate groups. Throws UserError naming
// both files when HDF5 cannot copy.
void copy_object(const h5::File& src, const std::string& src_path, const h5::File& dst,
                 const std::string& dst_path);

// Copies the root attributes every results file carries (version, git_describe,
// command_line, config_toml, seed, backend, device_name, created_utc, and resumed when
// present); `study` is set by the caller.
void copy_provenance(const h5::File& src, const h5::File& dst);

}  // namespace xbarmc::study
