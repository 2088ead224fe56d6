// McConfig as bytes, for rank 0 to hand each mc (sub-)study's settings to the other
// MPI ranks (mpi/study_runner.hpp). Independent of MPI so that it is tested everywhere.
#pragma once

#include <string>

#include "study/mc_config.hpp"

namespace xbarmc::study::mpi {

// Every field of `c`: the plain parameter structs as their bytes (the ranks run the
// same binary), strings and vectors as a length and their elements.
std::string serialize_config(const McConfig& c);
// The inverse; throws InternalError when the bytes are not a whole serialized config.
McConfig deserialize_config(const std::string& bytes);

}  // namespace xbarmc::study::mpi
