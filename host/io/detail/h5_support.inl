// Template part of io/detail/h5_support.hpp.
#pragma once

#include <cstring>
#include <vector>

namespace xbarmc::h5::detail {

template <class ReadFn>
bool read_string_elements(hid_t file_type, std::size_t size, std::size_t n, ReadFn read,
                          std::vector<std::string>* out) {
  out->clear();
  out->reserve(n);
  // The file's type (same size and character set: HDF5 converts between neither),
  // read NUL-padded: each element is `size` bytes and ends at its first NUL.
  Handle mem_type(H5Tcopy(file_type));
  if (!mem_type.valid() || H5Tset_strpad(mem_type.get(), H5T_STR_NULLPAD) < 0) {
    return false;
  }
  std::vector<char> buffer(n * size, '\0');
  if (read(mem_type.get(), static_cast<void*>(buffer.data())) < 0) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const char* s = buffer.data() + i * size;
    out->emplace_back(s, strnlen(s, size));
  }
  return true;
}

}  // namespace xbarmc::h5::detail
