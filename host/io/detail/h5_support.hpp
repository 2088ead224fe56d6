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

// A fixed-length UTF-8 string type of `bytes` bytes per element (at least 1),
// NUL-terminated. Fixed length keeps strings out of the global heap, the one HDF5
// metadata structure that carries no checksum.
Handle fixed_string_type(std::size_t bytes);

// Bytes the file of `obj` occupies on disk, 0 if unknown. No stored object can be
// larger, so it bounds what a (possibly corrupt) header may make a reader allocate.
std::size_t file_size_of(hid_t obj);

// Reads a fixed-length string dataset or attribute of `n` elements of file type
// `file_type`, `size` bytes each; `read(mem_type, buffer)` performs the H5Dread/H5Aread and returns
// its status. The caller has checked `size` and `n` (Object::checked_string_size). Returns false if
// the read failed.
template <class ReadFn>
bool read_string_elements(hid_t file_type, std::size_t size, std::size_t n, ReadFn read,
                          std::vector<std::string>* out);

}  // namespace xbarmc::h5::detail

#include "io/detail/h5_support.inl"
