// Template part of io/detail/h5_support.hpp.
#pragma once

#include <cstring>
#include <vector>

namespace xbarmc::h5::detail {

template <class ReadFn>
bool read_string_elements(hid_t file_type, hid_t space, std::size_t n, ReadFn read,
                          std::vector<std::string>* out) {
  out->clear();
  out->reserve(n);
  const htri_t is_variable = H5Tis_variable_str(file_type);
  if (is_variable < 0) return false;
  if (is_variable > 0) {
    Handle mem_type = vlen_string_type();
    std::vector<char*> buffer(n, nullptr);
    if (read(mem_type.get(), static_cast<void*>(buffer.data())) < 0) return false;
    for (char* s : buffer) out->emplace_back(s != nullptr ? s : "");
    H5Dvlen_reclaim(mem_type.get(), space, H5P_DEFAULT, buffer.data());
    return true;
  }
  // Fixed length (numpy 'S' arrays): each element is `size` bytes, NUL-padded.
  const std::size_t size = H5Tget_size(file_type);
  if (size == 0) return false;
  Handle mem_type(H5Tcopy(H5T_C_S1));
  if (!mem_type.valid() || H5Tset_size(mem_type.get(), size) < 0 ||
      H5Tset_strpad(mem_type.get(), H5T_STR_NULLPAD) < 0) {
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
