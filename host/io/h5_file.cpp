// Files of io/h5.hpp: creating them in the HDF5 1.10 format, and checking a
// file's superblock before libhdf5 decodes anything of it.
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/errors.hpp"
#include "io/detail/h5_support.hpp"
#include "io/h5.hpp"

namespace xbarmc::h5 {

namespace {

// Strong close, and objects in the HDF5 1.10 format (both bounds: no older
// encoding is ever chosen): superblock v3, v2 object headers, checksummed indexes.
Handle file_access() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  return fapl;
}

// What File::open checks before H5Fopen. Superblock versions 0 and 1 (and every
// object header and B-tree of such a file) carry no checksums, so HDF5 would decode
// corrupt metadata as it finds it; from version 2 on, HDF5 verifies the
// superblock's checksum (which covers these bytes) and that of each metadata block.
void check_superblock(const std::string& path) {
  constexpr char kSignature[] = "\x89HDF\r\n\x1a\n";
  constexpr std::size_t kSignatureBytes = sizeof(kSignature) - 1;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot open " + path + ": cannot read the file");
  char head[kSignatureBytes + 1] = {};
  in.read(head, sizeof(head));
  if (static_cast<std::size_t>(in.gcount()) < kSignatureBytes ||
      std::memcmp(head, kSignature, kSignatureBytes) != 0) {
    throw UserError(path + ": not an HDF5 file");
  }
  if (in.gcount() < static_cast<std::streamsize>(sizeof(head))) {
    throw UserError(path + ": truncated HDF5 file");
  }
  const int version = static_cast<unsigned char>(head[kSignatureBytes]);
  if (version < 2) {
    throw UserError(path +
                    ": written by an older xbarmc or another tool: HDF5 superblock version " +
                    std::to_string(version) + "; regenerate it");
  }
}

Handle open_file(const std::string& path, unsigned flags) {
  silence_hdf5_errors();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw UserError("cannot open " + path + ": no such file");
  check_superblock(path);
  Handle fapl = file_access();
  // A version 3 superblock says "open for writing" until its writer closes the
  // file, so a run killed hard (SIGKILL, out of memory, a lost node) leaves a
  // partial file that libhdf5 refuses ("already open for write"): the very file
  // --resume is for. libhdf5's file lock (flock, released when a process dies)
  // keeps two writers apart, so opening ignores the stale flag (and clears it
  // when writing), as h5clear does through the same file-access property; a
  // libhdf5 without that property keeps checking the flag.
  const char* const kClearStatusFlags = "clear_status_flags";
  if (H5Pexist(fapl.get(), kClearStatusFlags) > 0) {
    hbool_t clear = 1;
    H5Pset(fapl.get(), kClearStatusFlags, &clear);
  }
  H5Eclear2(H5E_DEFAULT);
  Handle file(H5Fopen(path.c_str(), flags, fapl.get()));
  if (!file.valid()) detail::fail_at(path, "cannot open HDF5 file");
  return file;
}

}  // namespace

File File::create(const std::string& path, const std::string& name_for_errors) {
  silence_hdf5_errors();
  const std::string name = name_for_errors.empty() ? path : name_for_errors;
  Handle fapl = file_access();
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
  if (!file.valid()) detail::fail_at(name, "cannot create HDF5 file");
  return File(std::move(file), name, "/");
}

File File::open(const std::string& path) {
  return File(open_file(path, H5F_ACC_RDONLY), path, "/");
}

File File::open_rw(const std::string& path) {
  return File(open_file(path, H5F_ACC_RDWR), path, "/");
}

void File::close() {
  if (!handle_.valid()) return;
  const hid_t id = handle_.get();
  const herr_t flushed = H5Fflush(id, H5F_SCOPE_LOCAL);
  const herr_t closed = H5Fclose(id);
  handle_.release();  // closed, or unusable after a failed close: never close it again
  if (flushed < 0 || closed < 0) detail::fail_at(file_name_, "cannot write HDF5 file");
}

}  // namespace xbarmc::h5
