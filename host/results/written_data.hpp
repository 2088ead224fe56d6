// Reading back what xbarmc wrote into a results file, safely on damaged files: a
// dataset's shape is checked against the bytes the file stores for it before anything
// is allocated, and every problem is one UserError line naming the dataset.
#pragma once

#include <string>
#include <vector>

#include "io/h5.hpp"

namespace xbarmc::study {

std::vector<double> read_written(const h5::Group& g, const std::string& name);
double read_written_scalar(const h5::Group& g, const std::string& name);

}  // namespace xbarmc::study
