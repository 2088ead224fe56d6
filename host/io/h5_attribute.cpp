// Attributes of io/h5.hpp objects: scalar strings (fixed-length UTF-8), scalar
// doubles and int64s, and 1-D double arrays.
#include <vector>

#include "io/detail/h5_support.hpp"
#include "io/h5.hpp"

namespace xbarmc::h5 {
namespace {

// Creates attribute `name` on `obj` (replacing one of that name) and writes it.
template <class WriteFn>
bool replace_attribute(hid_t obj, const std::string& name, hid_t type, hid_t space, WriteFn write) {
  const htri_t exists = H5Aexists(obj, name.c_str());
  if (exists < 0 || (exists > 0 && H5Adelete(obj, name.c_str()) < 0)) return false;
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT));
  return attr.valid() && write(attr.get()) >= 0;
}

}  // namespace

void Object::fail(const std::string& what) const {
  detail::fail_at(file_name_, what);
}

std::string Object::attribute_name(const std::string& name) const {
  return "attribute " + name + " of " + path_;
}

void Object::check_fits_in_file(std::size_t n, std::size_t item_bytes,
                                const std::string& what) const {
  const std::size_t file_bytes = detail::file_size_of(id());
  if (item_bytes != 0 && n > file_bytes / item_bytes) {
    fail(what + " is larger than the file: truncated or corrupt");
  }
}

std::size_t Object::checked_string_size(hid_t type, std::size_t n, const std::string& what) const {
  if (H5Tget_class(type) != H5T_STRING) fail(what + " is not a string");
  const htri_t is_variable = H5Tis_variable_str(type);
  if (is_variable < 0) fail("cannot read " + what);
  if (is_variable > 0) {
    fail(what +
         " is a variable-length string: written by an older xbarmc or another tool; "
         "regenerate it");
  }
  const std::size_t size = H5Tget_size(type);
  if (size == 0) fail("cannot read " + what);
  check_fits_in_file(n, size, what);
  return size;
}

bool Object::has_attribute(const std::string& name) const {
  const htri_t exists = H5Aexists(id(), name.c_str());
  if (exists < 0) fail("cannot look up " + attribute_name(name));
  return exists > 0;
}

void Object::set_attribute(const std::string& name, const std::string& value) const {
  Handle type = detail::fixed_string_type(value.size() + 1);
  Handle space(H5Screate(H5S_SCALAR));
  if (!replace_attribute(id(), name, type.get(), space.get(),
                         [&](hid_t a) { return H5Awrite(a, type.get(), value.c_str()); })) {
    fail("cannot write " + attribute_name(name));
  }
}

void Object::set_attribute(const std::string& name, const char* value) const {
  set_attribute(name, std::string(value));
}

void Object::set_attribute(const std::string& name, double value) const {
  Handle space(H5Screate(H5S_SCALAR));
  if (!replace_attribute(id(), name, H5T_NATIVE_DOUBLE, space.get(),
                         [&](hid_t a) { return H5Awrite(a, H5T_NATIVE_DOUBLE, &value); })) {
    fail("cannot write " + attribute_name(name));
  }
}

void Object::set_attribute(const std::string& name, std::int64_t value) const {
  Handle space(H5Screate(H5S_SCALAR));
  if (!replace_attribute(id(), name, H5T_NATIVE_INT64, space.get(),
                         [&](hid_t a) { return H5Awrite(a, H5T_NATIVE_INT64, &value); })) {
    fail("cannot write " + attribute_name(name));
  }
}

void Object::set_attribute(const std::string& name, const std::vector<double>& values) const {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr));
  if (!replace_attribute(id(), name, H5T_NATIVE_DOUBLE, space.get(),
                         [&](hid_t a) { return H5Awrite(a, H5T_NATIVE_DOUBLE, values.data()); })) {
    fail("cannot write " + attribute_name(name));
  }
}

std::string Object::string_attribute(const std::string& name) const {
  Handle attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT));
  if (!attr.valid()) fail("cannot open " + attribute_name(name));
  Handle type(H5Aget_type(attr.get()));
  Handle space(H5Aget_space(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) fail(attribute_name(name) + " is not a string");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    fail(attribute_name(name) + " is not a single string");
  }
  const std::size_t size = checked_string_size(type.get(), 1, attribute_name(name));
  std::vector<std::string> values;
  if (!detail::read_string_elements(
          type.get(), size, 1,
          [&](hid_t mem_type, void* buffer) { return H5Aread(attr.get(), mem_type, buffer); },
          &values)) {
    fail("cannot read " + attribute_name(name));
  }
  return values.front();
}

std::vector<double> Object::double_array_attribute(const std::string& name) const {
  Handle attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT));
  if (!attr.valid()) fail("cannot open " + attribute_name(name));
  Handle type(H5Aget_type(attr.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) fail(attribute_name(name) + " is not numeric");
  Handle space(H5Aget_space(attr.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail("cannot read " + attribute_name(name));
  check_fits_in_file(static_cast<std::size_t>(n), H5Tget_size(type.get()), attribute_name(name));
  std::vector<double> values(static_cast<std::size_t>(n));
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, values.data()) < 0) {
    fail("cannot read " + attribute_name(name));
  }
  return values;
}

double Object::double_attribute(const std::string& name) const {
  const std::vector<double> values = double_array_attribute(name);
  if (values.size() != 1) fail(attribute_name(name) + " is not a single number");
  return values.front();
}

std::int64_t Object::int_attribute(const std::string& name) const {
  Handle attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT));
  if (!attr.valid()) fail("cannot open " + attribute_name(name));
  Handle type(H5Aget_type(attr.get()));
  Handle space(H5Aget_space(attr.get()));
  if (H5Tget_class(type.get()) != H5T_INTEGER) fail(attribute_name(name) + " is not an integer");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    fail(attribute_name(name) + " is not a single number");
  }
  std::int64_t value = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_INT64, &value) < 0)
    fail("cannot read " + attribute_name(name));
  return value;
}

}  // namespace xbarmc::h5
