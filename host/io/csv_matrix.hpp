// Strict numeric CSV matrices (DESIGN §3): weights (n_out lines × n_in values),
// conductances, resistances and voltages (n_in lines × n_cols / p values).
// One matrix row per line, values separated by commas, optional spaces or tabs
// around each value; no header, no text, no NaN or Inf, every line the same length.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/matrix.hpp"

namespace xbarmc {

// Reads a CSV matrix. Throws UserError with a one-line message naming the file and
// the line (and value number) of the first problem: missing file, empty file, a
// non-numeric, NaN or infinite value, an empty value, or a line whose length
// differs from the first line's. A trailing newline, CRLF line ends and blank lines
// at the end of the file are accepted.
MatrixD read_csv_matrix(const std::string& path);

// The same parser on text in memory; `name` stands for the file in error messages.
MatrixD parse_csv_matrix(std::string_view text, const std::string& name);

// Writes `m` as CSV (no header) with `significant_digits` digits per value (%.*g),
// atomically: the file appears whole or not at all. Throws UserError if it cannot.
void write_csv_matrix(const std::string& path, const MatrixD& m, int significant_digits = 17);

}  // namespace xbarmc
