// The tolerance results file (HDF5, root attribute study = "tolerance"; layout in README
// "Tolerance"), written whole or not at all.
#pragma once

#include <string>

#include "tolerance/tolerance_study.hpp"

namespace xbarmc::study {

// Written to r.config.base.out_path; `model_checksum` goes into the study key.
void write_tolerance_file(const ToleranceResult& r, const std::string& model_checksum);

}  // namespace xbarmc::study
