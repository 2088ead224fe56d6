#include "io/detail/h5_support.hpp"

#include <algorithm>

#include "common/errors.hpp"

namespace xbarmc::h5 {

void silence_hdf5_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

std::size_t element_count(const Shape& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

// H5Idec_ref closes any kind of identifier (file, group, dataset, type, space,
// property list, attribute) when its count reaches zero. After a strong file close
// the id may already be gone: the failure is harmless and its stack is cleared.
void Handle::reset() {
  if (id_ >= 0) {
    if (H5Iis_valid(id_) > 0) H5Idec_ref(id_);
    H5Eclear2(H5E_DEFAULT);
    id_ = H5I_INVALID_HID;
  }
}

namespace detail {
namespace {

herr_t deepest_error(unsigned n, const H5E_error2_t* err, void* client) {
  // Walking upward, entry 0 is the innermost: the most specific reason.
  if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(client) = err->desc;
  return 0;
}

}  // namespace

std::string take_hdf5_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, deepest_error, &reason);
  H5Eclear2(H5E_DEFAULT);
  for (char& c : reason) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  // File-level failures read "unable to open file: name = '…', errno = 2, error
  // message = 'No such file or directory', flags = …": keep the system's words only,
  // since the name may be a temporary path the user never gave.
  const std::string marker = "error message = '";
  const std::size_t at = reason.find(marker);
  if (at != std::string::npos) {
    const std::size_t start = at + marker.size();
    reason = reason.substr(start, reason.find('\'', start) - start);
  }
  return reason;
}

void fail_at(const std::string& file, const std::string& what) {
  const std::string reason = take_hdf5_reason();
  throw UserError(file + ": " + what + (reason.empty() ? "" : ": " + reason));
}

template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
hid_t native_type<std::int16_t>() {
  return H5T_NATIVE_INT16;
}
template <>
hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<std::uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
hid_t native_type<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}

Handle fixed_string_type(std::size_t bytes) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), std::max<std::size_t>(bytes, 1));
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

std::size_t file_size_of(hid_t obj) {
  const Handle file(H5Iget_file_id(obj));
  hsize_t bytes = 0;
  if (!file.valid() || H5Fget_filesize(file.get(), &bytes) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return 0;
  }
  return static_cast<std::size_t>(bytes);
}

}  // namespace detail
}  // namespace xbarmc::h5
