#include "results/written_data.hpp"

#include <hdf5.h>

#include <algorithm>

#include "common/errors.hpp"

namespace xbarmc::study {

// The dataset was written whole (contiguous): its shape is checked against the bytes
// the file stores for it, so a corrupt header cannot make the reader allocate more
// than the file holds.
std::vector<double> read_written(const h5::Group& g, const std::string& name) {
  const h5::Dataset d = g.open_dataset(name);
  const h5::Handle type(H5Dget_type(d.id()));
  const std::size_t item = type.valid() ? H5Tget_size(type.get()) : 0;
  // The layout's storage size comes from the (possibly corrupt) header: bound it by
  // the file's real size too.
  const h5::Handle file(H5Iget_file_id(d.id()));
  hsize_t file_bytes = 0;
  if (!file.valid() || H5Fget_filesize(file.get(), &file_bytes) < 0) file_bytes = 0;
  const hsize_t stored = std::min<hsize_t>(H5Dget_storage_size(d.id()), file_bytes);
  const std::size_t limit = item == 0 ? 0 : static_cast<std::size_t>(stored) / item;
  std::size_t n = 1;
  for (const std::size_t dim : d.shape()) {
    n = (dim != 0 && n > limit / dim) ? limit + 1 : n * dim;  // no overflow of the product
  }
  if (n > limit) throw UserError(d.file_name() + ": " + d.path() + " is truncated or corrupt");
  return d.read<double>().data;
}

double read_written_scalar(const h5::Group& g, const std::string& name) {
  const std::vector<double> v = read_written(g, name);
  if (v.size() != 1) {
    throw UserError(g.file_name() + ": " + g.path() + "/" + name + " is not one number");
  }
  return v[0];
}

}  // namespace xbarmc::study
