// The budget results file (HDF5, root attribute study = "budget"; layout in README
// "Accuracy budget"), written whole or not at all.
#pragma once

#include <string>

#include "budget/budget_result.hpp"

namespace xbarmc::study {

// Written to r.base.out_path; `model_checksum` goes into the study key.
void write_budget_file(const BudgetResult& r, const std::string& model_checksum);

}  // namespace xbarmc::study
