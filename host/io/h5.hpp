// Small RAII handles over the HDF5 C API for results, models and mappings
// (DESIGN §3: files readable with h5py). Every failure throws UserError with one
// line naming the file, the object and HDF5's own reason; HDF5's default printing
// of its error stack to stderr is switched off.
//
//   h5::File f = h5::File::create(tmp_path, final_path);   // final_path: for messages
//   f.set_attribute("version", "0.1.0");
//   h5::Dataset d = f.write("mc/correct", {n_times, n_chips}, counts);   // groups made as needed
//   d.set_attribute("units", "images");
//   h5::Array<double> a = h5::File::open(path).read<double>("mc/accuracy");
//
// Element types: double, float, int8/16/32/64, uint8/16/32/64 (host byte order;
// reading converts from whatever numeric type the file holds). Strings are UTF-8,
// fixed length (h5py gives them as bytes); variable-length strings are refused when
// reading, since HDF5 keeps them in its global heap, which carries no checksum.
//
// Files are written in the HDF5 1.10 format (superblock version 3, version 2 object
// headers): HDF5 checksums all metadata and verifies it before decoding. Opening a
// file checks its superblock first and refuses older formats (File::open).
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xbarmc::h5 {

// Dimensions, slowest-varying first (C order); {} is a scalar.
using Shape = std::vector<std::size_t>;

std::size_t element_count(const Shape& shape);

template <class T>
struct Array {
  Shape shape;
  std::vector<T> data;  // C order
};

// Options of a newly created dataset.
struct WriteOptions {
  int gzip_level = 0;  // 0 = contiguous, 1..9 = chunked and deflated
};

// One open HDF5 identifier of any kind. The destructor releases it (H5Idec_ref
// closes the object when its last reference goes); errors on release are ignored,
// File::close() is the call that reports them.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();
  // Forgets the id without closing it; returns it.
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// A group, dataset or file root: anything that carries attributes.
class Object {
 public:
  hid_t id() const { return handle_.get(); }
  const std::string& file_name() const { return file_name_; }
  const std::string& path() const { return path_; }  // inside the file, e.g. "/mc/correct"

  bool has_attribute(const std::string& name) const;
  // An existing attribute of the same name is replaced.
  void set_attribute(const std::string& name, const std::string& value) const;
  void set_attribute(const std::string& name, const char* value) const;
  void set_attribute(const std::string& name, double value) const;
  void set_attribute(const std::string& name, std::int64_t value) const;
  void set_attribute(const std::string& name, const std::vector<double>& values) const;
  std::string string_attribute(const std::string& name) const;
  double double_attribute(const std::string& name) const;
  std::int64_t int_attribute(const std::string& name) const;
  std::vector<double> double_array_attribute(const std::string& name) const;

 protected:
  Object() = default;
  Object(Handle handle, std::string file_name, std::string path)
      : handle_(std::move(handle)), file_name_(std::move(file_name)), path_(std::move(path)) {}
  // Throws UserError "<file>: <what>: <HDF5 reason>".
  [[noreturn]] void fail(const std::string& what) const;
  std::string attribute_name(const std::string& name) const;  // "attribute <name> of <path>"
  // Fails unless `n` elements of `item_bytes` each fit in the file: a corrupt
  // dataspace must not make a reader allocate more than the file holds.
  void check_fits_in_file(std::size_t n, std::size_t item_bytes, const std::string& what) const;
  // The element size of `n` strings of file type `type`, which must be fixed-length
  // strings that fit in the file; fails naming `what` otherwise.
  std::size_t checked_string_size(hid_t type, std::size_t n, const std::string& what) const;

  Handle handle_;
  std::string file_name_;
  std::string path_;
};

// A compound (struct) element type for table datasets, e.g. sweep results:
//   h5::CompoundType t(sizeof(Row));
//   t.add<double>("accuracy", offsetof(Row, accuracy));
//   t.add_string("method", offsetof(Row, method), sizeof(Row::method));  // char[N]
class CompoundType {
 public:
  explicit CompoundType(std::size_t row_bytes);
  template <class T>
  CompoundType& add(const std::string& name, std::size_t offset);
  CompoundType& add_string(const std::string& name, std::size_t offset, std::size_t bytes);
  hid_t id() const { return type_.get(); }
  std::size_t row_bytes() const { return row_bytes_; }

 private:
  CompoundType& insert(const std::string& name, std::size_t offset, hid_t member_type);
  Handle type_;
  std::size_t row_bytes_;
};

class Dataset : public Object {
 public:
  Shape shape() const;
  template <class T>
  Array<T> read() const;
  std::vector<std::string> read_strings() const;
  // Writes the whole dataset / the block at `offset` of extent `count`.
  template <class T>
  void write(const T* data) const;
  template <class T>
  void write_block(const Shape& offset, const Shape& count, const T* data) const;
  // Reads `n_rows` rows of a compound dataset into memory laid out as `type`.
  void read_compound(const CompoundType& type, void* rows, std::size_t n_rows) const;

 private:
  friend class Group;
  using Object::Object;
};

class Group : public Object {
 public:
  // Names may be paths ("mc/summary/mean"); writing creates missing groups.
  bool exists(const std::string& name) const;
  std::vector<std::string> children() const;  // link names, in name order
  Group create_group(const std::string& name) const;
  Group open_group(const std::string& name) const;
  Group require_group(const std::string& name) const;  // open, or create if missing

  template <class T>
  Dataset create_dataset(const std::string& name, const Shape& shape,
                         const WriteOptions& options = {}) const;
  template <class T>
  Dataset write(const std::string& name, const Shape& shape, const T* data,
                const WriteOptions& options = {}) const;
  // Throws InternalError if data.size() does not match the shape.
  template <class T>
  Dataset write(const std::string& name, const Shape& shape, const std::vector<T>& data,
                const WriteOptions& options = {}) const;
  Dataset write_strings(const std::string& name, const std::vector<std::string>& values) const;
  Dataset write_compound(const std::string& name, const CompoundType& type, const void* rows,
                         std::size_t n_rows) const;

  Dataset open_dataset(const std::string& name) const;
  template <class T>
  Array<T> read(const std::string& name) const {
    return open_dataset(name).read<T>();
  }
  std::vector<std::string> read_strings(const std::string& name) const {
    return open_dataset(name).read_strings();
  }

 protected:
  friend class File;
  using Object::Object;
  std::string child_path(const std::string& name) const;
};

class File : public Group {
 public:
  // Creates (truncating) `path`. `name_for_errors` is what messages call the file,
  // e.g. the final path when writing to an AtomicFile's temporary path.
  static File create(const std::string& path, const std::string& name_for_errors = "");
  // Both check the superblock before HDF5 decodes anything: a file that is not
  // HDF5, or HDF5 older than the 1.10 format (superblock version < 2, whose
  // metadata carries no checksums), is refused with a UserError naming the file.
  static File open(const std::string& path);     // read-only
  static File open_rw(const std::string& path);  // read-write
  // Flushes and closes; objects opened from this file become invalid (strong close).
  // Throws UserError if the data cannot be written. The destructor closes silently.
  void close();

 private:
  using Group::Group;
};

// Switches off HDF5's printing of error stacks (done by File::create/open too).
void silence_hdf5_errors();

}  // namespace xbarmc::h5
