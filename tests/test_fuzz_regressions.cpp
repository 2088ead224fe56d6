// Regression tests for what the fuzzers of tests/fuzz found (tests/fuzz/README.md
// lists each finding and its fix). Every hostile input must give a one-line
// UserError (exit status 2), never a crash, an out-of-memory abort or another
// exception. Byte inputs are spelled out; HDF5 inputs are rebuilt from a valid file
// with the one change that made the reader fail.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "io/npy.hpp"
#include "results/results_file.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;

class FuzzRegression : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xbarmc-fuzz-regress-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// The message of the UserError that `f` throws; fails the test on anything else.
template <class F>
std::string user_error(F f) {
  try {
    f();
  } catch (const UserError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    return msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a UserError: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error";
  return "";
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// Replaces dataset `name` by an unwritten one of `shape`: HDF5 allocates contiguous
// storage late, so the file stays tiny whatever the shape promises.
void replace_with_unwritten(const std::string& file, const std::string& name,
                            const h5::Shape& shape) {
  h5::File f = h5::File::open_rw(file);
  ASSERT_GE(H5Ldelete(f.id(), name.c_str(), H5P_DEFAULT), 0);
  f.create_dataset<double>(name, shape);
  f.close();
}

Model small_model() {
  Model m;
  m.features.lo.assign(kNumFeatures, 0.0);
  m.features.hi.assign(kNumFeatures, 1.0);
  m.w_float = MatrixD(2, kNumFeatures);
  for (std::size_t k = 0; k < m.w_float.data.size(); ++k) {
    m.w_float.data[k] = std::sin(1.0 + static_cast<double>(k));
  }
  m.w_deployed = m.w_float;
  map_deployed_weights(m);
  return m;
}

// A partial study file as an interrupted `xbarmc mc` leaves it (OUT.partial).
void write_partial(const std::string& out, const std::string& key) {
  study::ResultsHeader h;
  h.provenance.study_key = key;
  h.times_s = {1.0, 10.0};
  h.n_chips = 3;
  h.n_images = 10;
  h.split = "val";
  h.n_in = 2;
  h.n_out = 1;
  h.g_target_s = {1e-9, 2e-12, 2e-12, 3e-9};
  h.levels_pos = {3, 0};
  h.levels_neg = {0, 3};
  study::ResultsFile::create(out, h).close();
}

// --- .npy (fuzz_npy)

// The header promised 10^10 doubles for a file holding one: the reader allocated the
// matrix before comparing sizes (ASan: out of memory; release: std::bad_alloc, exit 1).
TEST_F(FuzzRegression, NpyShapeBeyondTheDataIsRejectedBeforeAllocating) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  const std::string bytes = std::string("\x93NUMPY\x01\x00", 8) +
                            static_cast<char>(header.size() + 1) + '\0' + header + '\n' +
                            std::string(8, '\0');
  EXPECT_EQ(user_error([&] { parse_npy_matrix(bytes, "w.npy"); }),
            "w.npy: holds 8 bytes of data, shape (100000, 100000) needs 80000000000");
}

// A dimension of 2^32 + 1 passed the "too large" check (made before the last digit)
// and wrapped to 1 in the int cast: the file read as a 1×1 matrix.
TEST_F(FuzzRegression, NpyDimensionAboveIntMaxIsRejected) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967297, 1), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  const std::string bytes = std::string("\x93NUMPY\x01\x00", 8) +
                            static_cast<char>(header.size() + 1) + '\0' + header + '\n' +
                            std::string(8, '\0');
  EXPECT_EQ(user_error([&] { parse_npy_matrix(bytes, "w.npy"); }),
            "w.npy: malformed .npy header: shape dimension too large");
}

// A header key or dtype holding a line break was quoted as is: a two-line message.
TEST_F(FuzzRegression, NpyMessagesQuotingHeaderTextStayOnOneLine) {
  const auto npy = [](const std::string& dict) {
    return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(dict.size() + 1) + '\0' + dict +
           '\n' + std::string(8, '\0');
  };
  const std::string bad_key = "{'descr': '<f8', 'bad\nkey': 1}";
  EXPECT_EQ(user_error([&] { parse_npy_matrix(npy(bad_key), "w.npy"); }),
            "w.npy: malformed .npy header: unexpected key 'bad key'");
  const std::string msg = user_error([&] {
    parse_npy_matrix(npy("{'descr': '<f\n8', 'fortran_order': False, 'shape': (1, 1), }"), "w.npy");
  });
  EXPECT_EQ(msg.rfind("w.npy: dtype '<f 8' is not supported", 0), 0u) << msg;
}

// --- model file (fuzz_model_file)

// /features/lo declared 10^11 doubles: load_model read it before checking its shape.
TEST_F(FuzzRegression, ModelDatasetOfAbsurdShapeIsRejectedBeforeReading) {
  save_model(path("m.h5"), small_model());
  replace_with_unwritten(path("m.h5"), "features/lo", {100000000000});
  EXPECT_EQ(user_error([&] { load_model(path("m.h5")); }),
            path("m.h5") + ": dataset /features/lo has shape 100000000000, expected 64");
}

// Files of the format xbarmc wrote before (superblock version 0, variable-length
// string attributes in the global heap): libhdf5 1.10 decoded a corrupt global heap
// unchecked, then looped forever or crashed inside H5Aread (fuzz_model_file). Such
// files are now refused from their superblock, before HDF5 reads anything.
TEST_F(FuzzRegression, OldFormatModelWithACorruptGlobalHeapIsRefusedUnread) {
  {
    const h5::Handle file(H5Fcreate(path("old.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT,
                                    H5P_DEFAULT));  // the library's default: oldest format
    const h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    const h5::Handle scalar(H5Screate(H5S_SCALAR));
    const h5::Handle attr(
        H5Acreate2(file.get(), "format", type.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT));
    const char* text = "xbarmc-model";
    ASSERT_GE(H5Awrite(attr.get(), type.get(), &text), 0);
  }
  std::string bytes = slurp(path("old.h5"));
  ASSERT_EQ(bytes.at(8), '\0');  // superblock version 0
  // The first heap object's size (collection header of 16 bytes, then index,
  // reference count, reserved, size) becomes absurd.
  const std::size_t heap = bytes.find("GCOL");
  ASSERT_NE(heap, std::string::npos);
  bytes.replace(heap + 24, 8, std::string(8, '\xff'));
  spit(path("old.h5"), bytes);
  EXPECT_EQ(user_error([&] { load_model(path("old.h5")); }),
            path("old.h5") +
                ": written by an older xbarmc or another tool: HDF5 superblock version 0; "
                "regenerate it");
}

// --- results file given to --resume (fuzz_results_file)

// /mc/times declared 10^11 doubles with no data behind them.
TEST_F(FuzzRegression, ResumeRejectsTimesLargerThanTheFile) {
  write_partial(path("r.h5"), "k");
  replace_with_unwritten(study::partial_path_for(path("r.h5")), "mc/times", {100000000000});
  const std::string msg = user_error([&] { study::ResultsFile::resume(path("r.h5"), "k"); });
  EXPECT_NE(msg.find("/mc/times is truncated or corrupt"), std::string::npos) << msg;
}

// An empty /reference dataset: .at(0) threw std::out_of_range ("internal error", exit 1).
TEST_F(FuzzRegression, ResumeRejectsAnEmptyReferenceValue) {
  write_partial(path("r.h5"), "k");
  replace_with_unwritten(study::partial_path_for(path("r.h5")), "reference/i_fs_a", {0});
  const std::string msg = user_error([&] { study::ResultsFile::resume(path("r.h5"), "k"); });
  EXPECT_NE(msg.find("/reference/i_fs_a is not one number"), std::string::npos) << msg;
}

// The contract: a truncated partial file gets a one-line UserError, whatever
// the length it was cut to.
TEST_F(FuzzRegression, ResumeOfATruncatedPartialFileIsAUserError) {
  write_partial(path("r.h5"), "k");
  const std::string partial = study::partial_path_for(path("r.h5"));
  const std::string whole = slurp(partial);
  ASSERT_GT(whole.size(), 1000u);
  for (std::size_t len = 0; len < whole.size(); len += 97) {
    spit(partial, whole.substr(0, len));
    SCOPED_TRACE("cut to " + std::to_string(len) + " bytes");
    user_error([&] { study::ResultsFile::resume(path("r.h5"), "k"); });
  }
}

// Flips each byte of the HDF5 file at `file` in turn and calls `open` on the result:
// it must succeed or throw a one-line UserError. Metadata carries checksums (HDF5
// 1.10 format), so a flip there is a UserError; a flip in raw data or unused space
// either fails the reader's checks or reads (possibly a wrong value), never
// anything else. Returns how many flips inside the superblock were refused.
// The superblock (version 3: 48 bytes with 8-byte addresses) is checksummed whole.
constexpr std::size_t kSuperblockBytes = 48;

template <class Open>
std::size_t refusals_in_superblock_over_every_byte_flip(const std::string& file, Open open) {
  const std::string whole = slurp(file);
  std::size_t refused = 0;
  for (std::size_t at = 0; at < whole.size(); ++at) {
    std::string bytes = whole;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
    spit(file, bytes);
    try {
      open();
    } catch (const UserError& e) {
      if (at < kSuperblockBytes) ++refused;
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "byte " << at << ": not a UserError: " << e.what();
    }
  }
  return refused;
}

TEST_F(FuzzRegression, ResumeOfAPartialFileWithAnyByteFlippedResumesOrIsAUserError) {
  write_partial(path("r.h5"), "k");
  EXPECT_EQ(refusals_in_superblock_over_every_byte_flip(
                study::partial_path_for(path("r.h5")),
                [&] { study::ResultsFile::resume(path("r.h5"), "k").close(); }),
            kSuperblockBytes);
}

TEST_F(FuzzRegression, ModelWithAnyByteFlippedLoadsOrIsAUserError) {
  save_model(path("m.h5"), small_model());
  EXPECT_EQ(
      refusals_in_superblock_over_every_byte_flip(path("m.h5"), [&] { load_model(path("m.h5")); }),
      kSuperblockBytes);
}

}  // namespace
}  // namespace xbarmc
