// Groups and datasets of io/h5.hpp (files: h5_file.cpp, attributes: h5_attribute.cpp).
#include "io/h5.hpp"

#include <algorithm>
#include <cstring>

#include "common/errors.hpp"
#include "io/detail/h5_support.hpp"

namespace xbarmc::h5 {
namespace {

std::vector<hsize_t> to_hsize(const Shape& shape) {
  return {shape.begin(), shape.end()};
}

Handle make_space(const Shape& shape) {
  if (shape.empty()) return Handle(H5Screate(H5S_SCALAR));
  const std::vector<hsize_t> dims = to_hsize(shape);
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
}

// Chunks of at most ~1 MiB for deflated datasets: halve the slowest dimensions first.
std::vector<hsize_t> chunk_shape(const Shape& shape, std::size_t element_bytes) {
  std::vector<hsize_t> chunk = to_hsize(shape);
  constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;
  for (hsize_t& d : chunk) {
    while (d > 1 && element_count({chunk.begin(), chunk.end()}) * element_bytes > kMaxChunkBytes) {
      d = (d + 1) / 2;
    }
  }
  return chunk;
}

// Link creation that makes missing intermediate groups ("mc/summary/mean").
Handle intermediate_groups_lcpl() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  return lcpl;
}

Handle dataset_creation(const Shape& shape, std::size_t element_bytes, const WriteOptions& opt) {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const bool has_zero = std::find(shape.begin(), shape.end(), 0u) != shape.end();
  if (opt.gzip_level > 0 && !shape.empty() && !has_zero) {
    const std::vector<hsize_t> chunk = chunk_shape(shape, element_bytes);
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    // Chunks are raw data, which HDF5 does not checksum unless asked: a corrupt
    // chunk then fails to read instead of inflating to wrong values.
    H5Pset_fletcher32(dcpl.get());
    H5Pset_deflate(dcpl.get(), static_cast<unsigned>(std::min(opt.gzip_level, 9)));
  }
  return dcpl;
}

herr_t collect_link_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

}  // namespace

// --- Groups

std::string Group::child_path(const std::string& name) const {
  return path_ == "/" ? "/" + name : path_ + "/" + name;
}

bool Group::exists(const std::string& name) const {
  // H5Lexists fails (rather than saying no) when an intermediate group is missing,
  // so check the path one component at a time.
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = name.find('/', end + 1);
    const std::string prefix = name.substr(0, end);
    const htri_t found = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    if (found < 0) fail("cannot look up " + child_path(prefix));
    if (found == 0) return false;
  }
  return true;
}

std::vector<std::string> Group::children() const {
  std::vector<std::string> names;
  if (H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link_name, &names) < 0) {
    fail("cannot list group " + path_);
  }
  return names;
}

Group Group::create_group(const std::string& name) const {
  Handle lcpl = intermediate_groups_lcpl();
  Handle group(H5Gcreate2(id(), name.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!group.valid()) fail("cannot create group " + child_path(name));
  return Group(std::move(group), file_name_, child_path(name));
}

Group Group::open_group(const std::string& name) const {
  if (!exists(name)) fail("no group " + child_path(name));
  Handle group(H5Gopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!group.valid()) fail("cannot open group " + child_path(name));
  return Group(std::move(group), file_name_, child_path(name));
}

Group Group::require_group(const std::string& name) const {
  return exists(name) ? open_group(name) : create_group(name);
}

template <class T>
Dataset Group::create_dataset(const std::string& name, const Shape& shape,
                              const WriteOptions& options) const {
  Handle space = make_space(shape);
  Handle lcpl = intermediate_groups_lcpl();
  Handle dcpl = dataset_creation(shape, sizeof(T), options);
  Handle set(H5Dcreate2(id(), name.c_str(), detail::native_type<T>(), space.get(), lcpl.get(),
                        dcpl.get(), H5P_DEFAULT));
  if (!set.valid()) fail("cannot create dataset " + child_path(name));
  return Dataset(std::move(set), file_name_, child_path(name));
}

template <class T>
Dataset Group::write(const std::string& name, const Shape& shape, const T* data,
                     const WriteOptions& options) const {
  Dataset set = create_dataset<T>(name, shape, options);
  set.write(data);
  return set;
}

template <class T>
Dataset Group::write(const std::string& name, const Shape& shape, const std::vector<T>& data,
                     const WriteOptions& options) const {
  if (data.size() != element_count(shape)) {
    throw InternalError("h5: dataset " + name + " given " + std::to_string(data.size()) +
                        " values for " + std::to_string(element_count(shape)) + " elements");
  }
  return write(name, shape, data.data(), options);
}

Dataset Group::write_strings(const std::string& name,
                             const std::vector<std::string>& values) const {
  std::size_t longest = 0;
  for (const std::string& v : values) longest = std::max(longest, v.size());
  const std::size_t size = longest + 1;  // each element NUL-terminated
  Handle type = detail::fixed_string_type(size);
  Handle space = make_space({values.size()});
  Handle lcpl = intermediate_groups_lcpl();
  Handle set(H5Dcreate2(id(), name.c_str(), type.get(), space.get(), lcpl.get(), H5P_DEFAULT,
                        H5P_DEFAULT));
  if (!set.valid()) fail("cannot create dataset " + child_path(name));
  std::vector<char> buffer(values.size() * size, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::memcpy(buffer.data() + i * size, values[i].data(), values[i].size());
  }
  if (!values.empty() &&
      H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) {
    fail("cannot write dataset " + child_path(name));
  }
  return Dataset(std::move(set), file_name_, child_path(name));
}

Dataset Group::write_compound(const std::string& name, const CompoundType& type, const void* rows,
                              std::size_t n_rows) const {
  Handle space = make_space({n_rows});
  Handle lcpl = intermediate_groups_lcpl();
  Handle set(
      H5Dcreate2(id(), name.c_str(), type.id(), space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!set.valid()) fail("cannot create dataset " + child_path(name));
  if (n_rows > 0 && H5Dwrite(set.get(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
    fail("cannot write dataset " + child_path(name));
  }
  return Dataset(std::move(set), file_name_, child_path(name));
}

Dataset Group::open_dataset(const std::string& name) const {
  if (!exists(name)) fail("no dataset " + child_path(name));
  Handle set(H5Dopen2(id(), name.c_str(), H5P_DEFAULT));
  if (!set.valid()) fail("cannot open dataset " + child_path(name));
  return Dataset(std::move(set), file_name_, child_path(name));
}

// --- Datasets

Shape Dataset::shape() const {
  Handle space(H5Dget_space(id()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail("cannot read the shape of dataset " + path_);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return Shape(dims.begin(), dims.end());
}

template <class T>
Array<T> Dataset::read() const {
  Handle type(H5Dget_type(id()));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail("dataset " + path_ + " is not numeric");
  Array<T> out;
  out.shape = shape();
  out.data.resize(element_count(out.shape));
  if (!out.data.empty() &&
      H5Dread(id(), detail::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data.data()) < 0) {
    fail("cannot read dataset " + path_);
  }
  return out;
}

std::vector<std::string> Dataset::read_strings() const {
  Handle type(H5Dget_type(id()));
  if (H5Tget_class(type.get()) != H5T_STRING) fail("dataset " + path_ + " does not hold strings");
  const std::size_t n = element_count(shape());
  const std::size_t size = checked_string_size(type.get(), n, "dataset " + path_);
  std::vector<std::string> values;
  if (n > 0 && !detail::read_string_elements(
                   type.get(), size, n,
                   [&](hid_t mem_type, void* buffer) {
                     return H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
                   },
                   &values)) {
    fail("cannot read dataset " + path_);
  }
  return values;
}

template <class T>
void Dataset::write(const T* data) const {
  if (element_count(shape()) == 0) return;
  if (H5Dwrite(id(), detail::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail("cannot write dataset " + path_);
  }
}

template <class T>
void Dataset::write_block(const Shape& offset, const Shape& count, const T* data) const {
  if (offset.size() != count.size() || count.size() != shape().size()) {
    throw InternalError("h5: block rank does not match dataset " + path_);
  }
  if (element_count(count) == 0) return;
  Handle file_space(H5Dget_space(id()));
  const std::vector<hsize_t> start = to_hsize(offset), extent = to_hsize(count);
  Handle mem_space = make_space(count);
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, extent.data(),
                          nullptr) < 0 ||
      H5Dwrite(id(), detail::native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT,
               data) < 0) {
    fail("cannot write a block of dataset " + path_);
  }
}

void Dataset::read_compound(const CompoundType& type, void* rows, std::size_t n_rows) const {
  if (element_count(shape()) != n_rows)
    fail("dataset " + path_ + " does not have the expected row count");
  if (n_rows > 0 && H5Dread(id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
    fail("cannot read dataset " + path_);
  }
}

// --- Compound types

CompoundType::CompoundType(std::size_t row_bytes)
    : type_(H5Tcreate(H5T_COMPOUND, row_bytes)), row_bytes_(row_bytes) {
  if (!type_.valid()) throw InternalError("h5: cannot create a compound type");
}

CompoundType& CompoundType::insert(const std::string& name, std::size_t offset, hid_t member) {
  if (H5Tinsert(type_.get(), name.c_str(), offset, member) < 0) {
    detail::take_hdf5_reason();
    throw InternalError("h5: cannot add member " + name + " to a compound type");
  }
  return *this;
}

template <class T>
CompoundType& CompoundType::add(const std::string& name, std::size_t offset) {
  return insert(name, offset, detail::native_type<T>());
}

CompoundType& CompoundType::add_string(const std::string& name, std::size_t offset,
                                       std::size_t bytes) {
  Handle member(H5Tcopy(H5T_C_S1));
  H5Tset_size(member.get(), bytes);
  H5Tset_strpad(member.get(), H5T_STR_NULLTERM);
  return insert(name, offset, member.get());
}

#define XBARMC_H5_INSTANTIATE(T)                                                                   \
  template Dataset Group::create_dataset<T>(const std::string&, const Shape&, const WriteOptions&) \
      const;                                                                                       \
  template Dataset Group::write<T>(const std::string&, const Shape&, const T*,                     \
                                   const WriteOptions&) const;                                     \
  template Dataset Group::write<T>(const std::string&, const Shape&, const std::vector<T>&,        \
                                   const WriteOptions&) const;                                     \
  template Array<T> Dataset::read<T>() const;                                                      \
  template void Dataset::write<T>(const T*) const;                                                 \
  template void Dataset::write_block<T>(const Shape&, const Shape&, const T*) const;               \
  template CompoundType& CompoundType::add<T>(const std::string&, std::size_t);

XBARMC_H5_INSTANTIATE(double)
XBARMC_H5_INSTANTIATE(float)
XBARMC_H5_INSTANTIATE(std::int8_t)
XBARMC_H5_INSTANTIATE(std::int16_t)
XBARMC_H5_INSTANTIATE(std::int32_t)
XBARMC_H5_INSTANTIATE(std::int64_t)
XBARMC_H5_INSTANTIATE(std::uint8_t)
XBARMC_H5_INSTANTIATE(std::uint16_t)
XBARMC_H5_INSTANTIATE(std::uint32_t)
XBARMC_H5_INSTANTIATE(std::uint64_t)

#undef XBARMC_H5_INSTANTIATE

}  // namespace xbarmc::h5
