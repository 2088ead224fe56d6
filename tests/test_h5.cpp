// The RAII HDF5 helpers: round trips of every element type, strings, attributes,
// compound tables, blocks and compression; one-line UserErrors naming the file;
// nothing printed by HDF5 itself; files readable by h5py.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "io/h5.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;

class H5Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xbarmc_test_h5_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// The UserError message of `f()`, or "" if it did not throw one.
template <class F>
std::string user_error(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

template <class T>
void expect_round_trip(const h5::File& f, const std::string& name, const h5::Shape& shape,
                       const std::vector<T>& values) {
  f.write(name, shape, values);
  const h5::Array<T> back = f.read<T>(name);
  EXPECT_EQ(back.shape, shape) << name;
  EXPECT_EQ(back.data, values) << name;
}

TEST_F(H5Test, EveryElementTypeRoundTripsWithItsShape) {
  {
    h5::File f = h5::File::create(path("types.h5"));
    expect_round_trip<double>(f, "d", {2, 3}, {0.1, -2.5, 1e-300, 6.02e23, -0.0, 1.0 / 3.0});
    expect_round_trip<float>(f, "f", {3}, {0.1f, -2.5f, 3.4e38f});
    expect_round_trip<std::uint32_t>(f, "u32", {2, 2}, {0u, 1u, 4000000000u, 7u});
    expect_round_trip<std::uint64_t>(f, "u64", {1}, {18000000000000000000ull});
    expect_round_trip<std::int32_t>(f, "i32", {2}, {-2147483647, 5});
    expect_round_trip<std::int64_t>(f, "i64", {2}, {-9000000000000000000ll, 1});
    expect_round_trip<std::uint8_t>(f, "u8", {2, 1, 2}, {0, 255, 17, 3});
    expect_round_trip<std::int8_t>(f, "i8", {1}, {-128});
    expect_round_trip<double>(f, "scalar", {}, {42.5});
    expect_round_trip<double>(f, "empty", {0, 4}, {});
    f.close();
  }
  // Reading converts from the stored type.
  const h5::File f = h5::File::open(path("types.h5"));
  EXPECT_EQ(f.read<double>("u32").data, (std::vector<double>{0, 1, 4000000000.0, 7}));
  EXPECT_EQ(f.read<double>("f").data[1], -2.5);
}

TEST_F(H5Test, WritingAPathCreatesGroupsAndExistsFollowsIt) {
  h5::File f = h5::File::create(path("groups.h5"));
  f.write<std::uint32_t>("mc/summary/mean", {1}, std::vector<std::uint32_t>{3});
  f.write<double>("mc/times", {1}, std::vector<double>{1.0});
  f.create_group("reference");
  EXPECT_TRUE(f.exists("mc"));
  EXPECT_TRUE(f.exists("mc/summary/mean"));
  EXPECT_FALSE(f.exists("mc/summary/std"));
  EXPECT_FALSE(f.exists("nothing/here"));
  EXPECT_EQ(f.children(), (std::vector<std::string>{"mc", "reference"}));
  const h5::Group mc = f.open_group("mc");
  EXPECT_EQ(mc.path(), "/mc");
  EXPECT_EQ(mc.children(), (std::vector<std::string>{"summary", "times"}));
  EXPECT_EQ(mc.read<std::uint32_t>("summary/mean").data, std::vector<std::uint32_t>{3});
  EXPECT_EQ(f.require_group("mc").path(), "/mc");
  EXPECT_EQ(f.require_group("new/sub").path(), "/new/sub");
}

TEST_F(H5Test, AttributesRoundTripAndReplace) {
  {
    h5::File f = h5::File::create(path("attrs.h5"));
    f.set_attribute("version", "0.1.0");
    f.set_attribute("config", std::string("a = 1\n[mc]\nchips = 1000\n"));
    f.set_attribute("seed", std::int64_t{1234567890123});
    f.set_attribute("r_on_ohm", 2.34e8);
    f.set_attribute("r_on_ohm", 1.0e4);  // replaced
    f.set_attribute("times", std::vector<double>{1.0, 3600.0});
    const h5::Dataset d = f.write<double>("x", {1}, std::vector<double>{1.0});
    d.set_attribute("units", "S");
    f.close();
  }
  const h5::File f = h5::File::open(path("attrs.h5"));
  EXPECT_EQ(f.string_attribute("version"), "0.1.0");
  EXPECT_EQ(f.string_attribute("config"), "a = 1\n[mc]\nchips = 1000\n");
  EXPECT_EQ(f.int_attribute("seed"), 1234567890123);
  EXPECT_EQ(f.double_attribute("r_on_ohm"), 1.0e4);
  EXPECT_EQ(f.double_attribute("seed"), 1234567890123.0);
  EXPECT_EQ(f.double_array_attribute("times"), (std::vector<double>{1.0, 3600.0}));
  EXPECT_TRUE(f.has_attribute("version"));
  EXPECT_FALSE(f.has_attribute("missing"));
  EXPECT_EQ(f.open_dataset("x").string_attribute("units"), "S");
  EXPECT_NE(user_error([&] { f.int_attribute("version"); }).find("not an integer"),
            std::string::npos);
}

TEST_F(H5Test, StringDatasetsRoundTripIncludingEmptyAndUtf8) {
  const std::vector<std::string> values{"avg_8x8", "", "proj_sup_64", "σ_c2c"};
  {
    h5::File f = h5::File::create(path("strings.h5"));
    f.write_strings("methods", values);
    f.write_strings("none", {});
    f.close();
  }
  const h5::File f = h5::File::open(path("strings.h5"));
  EXPECT_EQ(f.read_strings("methods"), values);
  EXPECT_TRUE(f.read_strings("none").empty());
  EXPECT_NE(user_error([&] { f.read<double>("methods"); }).find("not numeric"), std::string::npos);
}

struct Row {
  double accuracy;
  std::int32_t adc_bits;
  char method[16];
};

TEST_F(H5Test, CompoundTableRoundTrips) {
  h5::CompoundType type(sizeof(Row));
  type.add<double>("accuracy", offsetof(Row, accuracy))
      .add<std::int32_t>("adc_bits", offsetof(Row, adc_bits))
      .add_string("method", offsetof(Row, method), sizeof(Row::method));
  const std::vector<Row> rows{{0.795, 6, "avg_8x8"}, {0.81, 4, "proj_sup_64"}};
  h5::File f = h5::File::create(path("table.h5"));
  f.write_compound("sweep/table", type, rows.data(), rows.size());
  std::vector<Row> back(2);
  f.open_dataset("sweep/table").read_compound(type, back.data(), back.size());
  EXPECT_EQ(back[1].accuracy, 0.81);
  EXPECT_EQ(back[1].adc_bits, 4);
  EXPECT_STREQ(back[1].method, "proj_sup_64");
  EXPECT_STREQ(back[0].method, "avg_8x8");
}

TEST_F(H5Test, BlocksAndCompressedDatasetsRoundTrip) {
  h5::File f = h5::File::create(path("blocks.h5"));
  const h5::Dataset d = f.create_dataset<std::uint32_t>("correct", {2, 6});
  d.write_block<std::uint32_t>({0, 0}, {2, 3}, std::vector<std::uint32_t>{1, 2, 3, 7, 8, 9}.data());
  d.write_block<std::uint32_t>({0, 3}, {2, 3},
                               std::vector<std::uint32_t>{4, 5, 6, 10, 11, 12}.data());
  EXPECT_EQ(d.read<std::uint32_t>().data,
            (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));

  std::vector<double> big(300000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<double>(i % 97) * 0.5;
  f.write("big", {1000, 300}, big, h5::WriteOptions{4});
  EXPECT_EQ(f.read<double>("big").data, big);
}

TEST_F(H5Test, ErrorsAreOneLineUserErrorsNamingTheFileAndPrintNothing) {
  {
    h5::File f = h5::File::create(path("e.h5"));
    f.write<double>("x", {1}, std::vector<double>{1.0});
    f.close();
  }
  std::ofstream(path("text.h5")) << "not hdf5\n";

  ::testing::internal::CaptureStderr();
  const std::string missing = user_error([&] { h5::File::open(path("missing.h5")); });
  const std::string not_h5 = user_error([&] { h5::File::open(path("text.h5")); });
  const std::string no_set = user_error([&] { h5::File::open(path("e.h5")).read<double>("y"); });
  const std::string no_dir = user_error([&] { h5::File::create(path("no/such/dir.h5")); });
  const std::string twice = user_error([&] {
    h5::File f = h5::File::open_rw(path("e.h5"));
    f.write<double>("x", {1}, std::vector<double>{2.0});
  });
  const std::string printed = ::testing::internal::GetCapturedStderr();

  EXPECT_EQ(missing, "cannot open " + path("missing.h5") + ": no such file");
  EXPECT_EQ(not_h5, path("text.h5") + ": not an HDF5 file");
  EXPECT_EQ(no_set, path("e.h5") + ": no dataset /y");
  // The system's reason, without HDF5's internals or a temporary name.
  EXPECT_EQ(no_dir,
            path("no/such/dir.h5") + ": cannot create HDF5 file: No such file or directory");
  EXPECT_EQ(twice.rfind(path("e.h5") + ": cannot create dataset /x", 0), 0u) << twice;
  for (const std::string* m : {&missing, &not_h5, &no_set, &no_dir, &twice}) {
    EXPECT_EQ(m->find('\n'), std::string::npos) << *m;
  }
  EXPECT_EQ(printed, "");
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// True if `name` (an attribute of the root when `attribute`, else a dataset) is
// stored as fixed-length UTF-8 strings.
bool stored_fixed_utf8(const h5::File& f, const std::string& name, bool attribute) {
  const h5::Handle obj(attribute ? H5Aopen(f.id(), name.c_str(), H5P_DEFAULT)
                                 : H5Dopen2(f.id(), name.c_str(), H5P_DEFAULT));
  const h5::Handle type(attribute ? H5Aget_type(obj.get()) : H5Dget_type(obj.get()));
  return H5Tget_class(type.get()) == H5T_STRING && H5Tis_variable_str(type.get()) == 0 &&
         H5Tget_cset(type.get()) == H5T_CSET_UTF8;
}

// Superblock version 3 (HDF5 1.10 format: checksummed metadata) and fixed-length
// strings (no global heap, which has no checksum).
TEST_F(H5Test, FilesUseTheChecksummedFormatAndFixedLengthStrings) {
  {
    h5::File f = h5::File::create(path("fmt.h5"));
    f.set_attribute("version", "0.1.0");
    f.set_attribute("empty", "");
    f.write_strings("names", {"a", "", "σ_c2c"});
    f.close();
  }
  EXPECT_EQ(static_cast<int>(slurp(path("fmt.h5")).at(8)), 3);
  const h5::File f = h5::File::open(path("fmt.h5"));
  EXPECT_TRUE(stored_fixed_utf8(f, "version", true));
  EXPECT_TRUE(stored_fixed_utf8(f, "empty", true));
  EXPECT_TRUE(stored_fixed_utf8(f, "names", false));
  EXPECT_EQ(f.string_attribute("empty"), "");
  EXPECT_EQ(f.read_strings("names"), (std::vector<std::string>{"a", "", "σ_c2c"}));
}

// A superblock older than version 2 (no checksums anywhere in the file) is refused
// before HDF5 decodes it; so is a file cut inside its signature or right after it.
TEST_F(H5Test, OlderFormatsAndTruncatedSuperblocksAreRefused) {
  h5::File::create(path("ok.h5")).close();
  const std::string whole = slurp(path("ok.h5"));
  for (const char version : {'\0', '\1'}) {
    std::string bytes = whole;
    bytes[8] = version;
    spit(path("old.h5"), bytes);
    EXPECT_EQ(user_error([&] { h5::File::open(path("old.h5")); }),
              path("old.h5") +
                  ": written by an older xbarmc or another tool: HDF5 superblock version " +
                  std::to_string(static_cast<int>(version)) + "; regenerate it");
    EXPECT_NE(user_error([&] { h5::File::open_rw(path("old.h5")); }), "");
  }
  spit(path("cut.h5"), whole.substr(0, 5));
  EXPECT_EQ(user_error([&] { h5::File::open(path("cut.h5")); }),
            path("cut.h5") + ": not an HDF5 file");
  spit(path("cut.h5"), whole.substr(0, 8));
  EXPECT_EQ(user_error([&] { h5::File::open(path("cut.h5")); }),
            path("cut.h5") + ": truncated HDF5 file");
  // Version 2 is accepted by us, but the superblock's checksum covers that byte.
  std::string v2 = whole;
  v2[8] = '\2';
  spit(path("v2.h5"), v2);
  const std::string msg = user_error([&] { h5::File::open(path("v2.h5")); });
  EXPECT_EQ(msg.rfind(path("v2.h5") + ": cannot open HDF5 file", 0), 0u) << msg;
}

// A writer killed before closing leaves the superblock's "open for writing" flag
// set; the file still opens (this is what --resume after a SIGKILL needs), and
// writing clears the flag. Two writers at once are still kept apart by the lock.
TEST_F(H5Test, FileOfAKilledWriterOpens) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    h5::File f = h5::File::create(path("killed.h5"));
    f.write<double>("x", {1}, std::vector<double>{4.0});
    H5Fflush(f.id(), H5F_SCOPE_GLOBAL);
    ::_exit(0);  // as if killed: never closed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_NE(slurp(path("killed.h5")).at(11), '\0');  // the flag is set
  EXPECT_EQ(h5::File::open(path("killed.h5")).read<double>("x").data, std::vector<double>{4.0});
  {
    h5::File f = h5::File::open_rw(path("killed.h5"));
    // libhdf5 holds the file's lock meanwhile: another process cannot take it.
    const std::string lock =
        "flock --nonblock --conflict-exit-code 9 " + path("killed.h5") + " true";
    const int raw = std::system(lock.c_str());
    EXPECT_TRUE(WIFEXITED(raw) && WEXITSTATUS(raw) == 9) << raw;
    f.close();
  }
  EXPECT_EQ(slurp(path("killed.h5")).at(11), '\0');
}

// Variable-length strings (written by older xbarmc, or h5py's default str) live in
// the unchecksummed global heap: refused, naming the attribute or dataset.
TEST_F(H5Test, VariableLengthStringsAreRefused) {
  {
    h5::File f = h5::File::create(path("vlen.h5"));
    const h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    const h5::Handle scalar(H5Screate(H5S_SCALAR));
    const h5::Handle attr(
        H5Acreate2(f.id(), "old", type.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT));
    const char* text = "0.0.1";
    ASSERT_GE(H5Awrite(attr.get(), type.get(), &text), 0);
    const hsize_t n = 1;
    const h5::Handle space(H5Screate_simple(1, &n, nullptr));
    const h5::Handle set(H5Dcreate2(f.id(), "specs", type.get(), space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT));
    ASSERT_GE(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), 0);
    f.close();
  }
  const h5::File f = h5::File::open(path("vlen.h5"));
  EXPECT_EQ(user_error([&] { f.string_attribute("old"); }),
            path("vlen.h5") +
                ": attribute old of / is a variable-length string: written by an older xbarmc or "
                "another tool; regenerate it");
  EXPECT_EQ(user_error([&] { f.read_strings("specs"); }),
            path("vlen.h5") +
                ": dataset /specs is a variable-length string: written by an older xbarmc or "
                "another tool; regenerate it");
}

// Compressed chunks carry a Fletcher32 checksum: a flipped byte in one is a read
// error, not wrong values.
TEST_F(H5Test, CorruptCompressedChunksFailToRead) {
  std::vector<double> values(4096);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i % 7);
  haddr_t chunk_at = 0;
  {
    h5::File f = h5::File::create(path("z.h5"));
    const h5::Dataset d = f.write("z", {values.size()}, values, h5::WriteOptions{4});
    const h5::Handle dcpl(H5Dget_create_plist(d.id()));
    unsigned flags = 0;
    std::size_t n_values = 0;
    ASSERT_GE(H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_FLETCHER32, &flags, &n_values, nullptr, 0,
                                   nullptr, nullptr),
              0);
    ASSERT_GE(H5Fflush(f.id(), H5F_SCOPE_LOCAL), 0);
    const h5::Handle space(H5Dget_space(d.id()));
    hsize_t chunk_bytes = 0;
    ASSERT_GE(H5Dget_chunk_info(d.id(), space.get(), 0, nullptr, nullptr, &chunk_at, &chunk_bytes),
              0);
    ASSERT_GT(chunk_bytes, 16u);
    f.close();
  }
  std::string bytes = slurp(path("z.h5"));
  bytes.at(chunk_at + 8) ^= 0x40;
  spit(path("z.h5"), bytes);
  const std::string msg = user_error([&] { h5::File::open(path("z.h5")).read<double>("z"); });
  EXPECT_EQ(msg.rfind(path("z.h5") + ": cannot read dataset /z", 0), 0u) << msg;
}

TEST_F(H5Test, NameForErrorsStandsForATemporaryPath) {
  h5::File f = h5::File::create(path("tmp.partial"), "final.h5");
  EXPECT_EQ(f.file_name(), "final.h5");
  EXPECT_EQ(user_error([&] { f.open_group("g"); }), "final.h5: no group /g");
}

TEST_F(H5Test, FilesAreReadableByH5py) {
  if (std::system("python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with h5py not available";
  }
  {
    h5::File f = h5::File::create(path("py.h5"));
    f.set_attribute("version", "0.1.0");
    f.set_attribute("seed", std::int64_t{7});
    f.write<std::uint32_t>("mc/correct", {2, 3}, std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6});
    f.write_strings("names", {"a", "bc"});
    f.close();
  }
  const std::string script =
      "import h5py,sys\n"
      "f=h5py.File(sys.argv[1],'r')\n"
      "assert f.attrs['version'].decode()=='0.1.0', f.attrs['version']\n"
      "assert int(f.attrs['seed'])==7\n"
      "c=f['mc/correct']\n"
      "assert c.shape==(2,3) and c.dtype=='uint32' and c[1,2]==6\n"
      "assert [s.decode() for s in f['names'][()]]==['a','bc']\n";
  std::ofstream(path("check.py")) << script;
  EXPECT_EQ(std::system(("python3 " + path("check.py") + " " + path("py.h5")).c_str()), 0);
}

}  // namespace
}  // namespace xbarmc
