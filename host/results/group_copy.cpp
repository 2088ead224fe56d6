#include "results/group_copy.hpp"

#include <hdf5.h>

#include "common/errors.hpp"

namespace xbarmc::study {

void copy_object(const h5::File& src, const std::string& src_path, const h5::File& dst,
                 const std::string& dst_path) {
  h5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  if (!lcpl.valid() || H5Pset_create_intermediate_group(lcpl.get(), 1) < 0 ||
      H5Ocopy(src.id(), src_path.c_str(), dst.id(), dst_path.c_str(), H5P_DEFAULT, lcpl.get()) <
          0) {
    throw UserError("cannot copy " + src.file_name() + ":" + src_path + " to " + dst.file_name() +
                    ":" + dst_path);
  }
}

void copy_provenance(const h5::File& src, const h5::File& dst) {
  for (const char* name : {"version", "git_describe", "command_line", "config_toml", "backend",
                           "device_name", "created_utc", "resumed"}) {
    if (src.has_attribute(name)) dst.set_attribute(name, src.string_attribute(name));
  }
  if (src.has_attribute("seed")) dst.set_attribute("seed", src.int_attribute("seed"));
}

}  // namespace xbarmc::study
