#include "io/npz.hpp"

#include <zip.h>

#include <cstdint>
#include <memory>
#include <set>

#include "common/errors.hpp"

namespace xbarmc {
namespace {

// Largest member accepted: far above any fully connected network's weights (2^31 bytes =
// 268 M float64 values), and a bound on what a crafted archive can make us allocate.
constexpr std::uint64_t kMaxMemberBytes = std::uint64_t{1} << 31;
constexpr std::size_t kChunkBytes = 1 << 20;

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only: nothing to write back
};
struct MemberCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

std::string open_error(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

// The bytes of member `index`, read in chunks so that a size the archive merely
// claims is never allocated up front.
std::string read_member(zip_t* z, zip_uint64_t index, const std::string& where) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z, index, 0, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0) {
    throw UserError(where +
                    ": cannot read the member's size: " + zip_error_strerror(zip_get_error(z)));
  }
  if (st.size > kMaxMemberBytes) {
    throw UserError(where + ": member of " + std::to_string(st.size) +
                    " bytes is larger than 2 GiB");
  }
  std::unique_ptr<zip_file_t, MemberCloser> file(zip_fopen_index(z, index, 0));
  if (!file) {
    throw UserError(where + ": cannot open the member: " + zip_error_strerror(zip_get_error(z)));
  }
  std::string bytes;
  std::string chunk(kChunkBytes, '\0');
  while (true) {
    const zip_int64_t got = zip_fread(file.get(), chunk.data(), chunk.size());
    if (got < 0) {
      throw UserError(where +
                      ": corrupt member: " + zip_error_strerror(zip_file_get_error(file.get())));
    }
    if (got == 0) break;
    bytes.append(chunk.data(), static_cast<std::size_t>(got));
    if (bytes.size() > st.size) throw UserError(where + ": member holds more than its size");
  }
  if (bytes.size() != st.size) throw UserError(where + ": member is shorter than its size");
  return bytes;
}

}  // namespace

std::vector<NpzMember> read_npz(const std::string& path) {
  int code = 0;
  std::unique_ptr<zip_t, ArchiveCloser> z(
      zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (!z) throw UserError(path + ": cannot read as .npz (zip) archive: " + open_error(code));
  const zip_int64_t n = zip_get_num_entries(z.get(), 0);
  if (n <= 0) throw UserError(path + ": the .npz archive holds no array");
  std::vector<NpzMember> out;
  std::set<std::string> seen;
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* raw = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), 0);
    if (raw == nullptr) throw UserError(path + ": unreadable member name in the .npz archive");
    std::string name = raw;
    const std::string where = path + " (member " + name + ")";
    const std::string suffix = ".npy";
    if (name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      throw UserError(where + ": not a .npy member (np.savez names them <key>.npy)");
    }
    name.resize(name.size() - suffix.size());
    if (!seen.insert(name).second) throw UserError(where + ": the archive holds it twice");
    const std::string bytes = read_member(z.get(), static_cast<zip_uint64_t>(i), where);
    out.push_back({name, parse_npy_array(bytes, where)});
  }
  return out;
}

}  // namespace xbarmc
