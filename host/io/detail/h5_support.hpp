// Machinery behind io/h5.hpp shared by its .cpp files: error reporting from the
// HDF5 error stack, C++ element type → HDF5 native type, and string types.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>

#include "io/h5.hpp"

namespace xbarmc::h5::detail {

// HDF5's reason for the last failure (the deepest entry of the error stack, one
// line), then clears the stack. "" if the stack is empty.
std::string take_hdf5_reason();

// Throws UserError "<file>: <what>: <HDF5 reason>".
[[noreturn]] void fail_at(const std::string& file, const std::string& what);

template <class T>
hid_t native_type();

// A variable-length UTF-8 string type (what h5py reads as str).
Handle vlen_string_type();

// Reads a string-typed dataset or attribute of `n` elements whose file type is
// `file_type`; `read(mem_type, buffer)` performs the H5Dread/H5Aread and returns
// its status. Returns false if the read failed.
template <class ReadFn>
bool read_string_elements(hid_t file_type, hid_t space, std::size_t n, ReadFn read,
                          std::vector<std::string>* out);

}  // namespace xbarmc::h5::detail

#include "io/detail/h5_support.inl"
