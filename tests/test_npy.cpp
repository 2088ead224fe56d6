// The .npy matrix reader: versions, dtypes, C and Fortran order, and one-line
// errors for every malformed file; cross-checked against numpy's own np.save.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "io/npy.hpp"

namespace xbarmc {
namespace {

// A .npy file: magic, version, header length (2 bytes for v1, 4 for v2), header
// padded to 64 bytes, then `data`.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  std::string header = dict;
  const std::size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t n_len_bytes = major == 1 ? 2 : 4;
  for (std::size_t b = 0; b < n_len_bytes; ++b) {
    out += static_cast<char>((header.size() >> (8 * b)) & 0xFF);
  }
  return out + header + data;
}

template <class T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string parse_error(const std::string& bytes) {
  try {
    parse_npy_matrix(bytes, "w.npy");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

const std::string kF8_2x3 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

TEST(Npy, ReadsFloat64COrder) {
  const MatrixD m =
      parse_npy_matrix(npy_bytes(kF8_2x3, raw<double>({1, 2, 3, 4, 5, -0.3})), "w.npy");
  ASSERT_EQ(m.rows, 2);
  ASSERT_EQ(m.cols, 3);
  EXPECT_EQ(m(0, 2), 3.0);
  EXPECT_EQ(m(1, 0), 4.0);
  EXPECT_EQ(m(1, 2), -0.3);
}

TEST(Npy, ReadsFloat32AndVersion2Headers) {
  const MatrixD m =
      parse_npy_matrix(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                                 raw<float>({0.5f, 0.1f}), 2),
                       "w.npy");
  ASSERT_EQ(m.cols, 2);
  EXPECT_EQ(m(0, 0), 0.5);
  EXPECT_EQ(m(0, 1), static_cast<double>(0.1f));
}

TEST(Npy, TransposesFortranOrder) {
  // Column-major storage of [[1, 2, 3], [4, 5, 6]].
  const MatrixD m =
      parse_npy_matrix(npy_bytes("{'fortran_order': True, 'shape': (2, 3), 'descr': '<f8'}",
                                 raw<double>({1, 4, 2, 5, 3, 6})),
                       "w.npy");
  EXPECT_EQ(m.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, RejectsBadMagicAndVersion) {
  EXPECT_EQ(parse_error("col1,col2\n1,2\n"), "w.npy: not a .npy file (no \\x93NUMPY magic)");
  EXPECT_EQ(parse_error(npy_bytes(kF8_2x3, raw<double>({1, 2, 3, 4, 5, 6}), 4)),
            "w.npy: unsupported .npy format version 4.0");
  std::string truncated = npy_bytes(kF8_2x3, "");
  truncated.resize(40);
  EXPECT_EQ(parse_error(truncated), "w.npy: truncated .npy header");
}

TEST(Npy, RejectsOtherDtypesNamingThem) {
  for (const std::string dtype : {"<i8", ">f8", "<f2", "<c16", "|u1"}) {
    const std::string dict =
        "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (1, 1), }";
    EXPECT_EQ(parse_error(npy_bytes(dict, std::string(8, '\0'))),
              "w.npy: dtype '" + dtype +
                  "' is not supported; save the weights as float32 or float64 (little-endian)");
  }
}

TEST(Npy, RejectsShapesThatAreNotAMatrix) {
  const auto with_shape = [](const std::string& shape, std::size_t n) {
    return npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }",
                     raw(std::vector<double>(n, 1.0)));
  };
  EXPECT_EQ(parse_error(with_shape("(64,)", 64)), "w.npy: shape (64,) is not 2-D (n_out, n_in)");
  EXPECT_EQ(parse_error(with_shape("(2, 2, 2)", 8)),
            "w.npy: shape (2, 2, 2) is not 2-D (n_out, n_in)");
  EXPECT_EQ(parse_error(with_shape("()", 1)), "w.npy: shape () is not 2-D (n_out, n_in)");
  EXPECT_EQ(parse_error(with_shape("(0, 64)", 0)), "w.npy: shape (0, 64) is empty");
}

TEST(Npy, RejectsTruncatedOrOverlongData) {
  EXPECT_EQ(parse_error(npy_bytes(kF8_2x3, raw<double>({1, 2, 3, 4, 5}))),
            "w.npy: holds 40 bytes of data, shape (2, 3) needs 48");
  EXPECT_EQ(parse_error(npy_bytes(kF8_2x3, raw<double>({1, 2, 3, 4, 5, 6, 7}))),
            "w.npy: holds 56 bytes of data, shape (2, 3) needs 48");
}

TEST(Npy, RejectsMalformedHeaders) {
  EXPECT_EQ(parse_error(npy_bytes("{'descr': '<f8', 'shape': (2, 3), }", "")),
            "w.npy: malformed .npy header: needs the keys 'descr', 'fortran_order' and 'shape'");
  EXPECT_EQ(parse_error(npy_bytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (1, 1)}", "")),
            "w.npy: malformed .npy header: fortran_order must be True or False");
  EXPECT_EQ(parse_error(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (a, 1)}", "")),
            "w.npy: malformed .npy header: shape must be a tuple of non-negative integers");
  EXPECT_NE(parse_error(npy_bytes("not a dict", "")).find("malformed .npy header"),
            std::string::npos);
}

TEST(Npy, RejectsNanAndInfinityNamingTheElement) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(parse_error(npy_bytes(kF8_2x3, raw<double>({1, 2, 3, 4, nan, 6}))),
            "w.npy: value at row 1, column 1 is NaN");
  const std::string fortran = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
  const float inf = std::numeric_limits<float>::infinity();
  // Fortran element 3 is (row 1, column 1); element 4 is (row 0, column 2).
  EXPECT_EQ(parse_error(npy_bytes(fortran, raw<float>({1, 2, 3, 4, -inf, 6}))),
            "w.npy: value at row 0, column 2 is infinite");
}

TEST(Npy, WriteThenReadRoundTrips) {
  MatrixD m(3, 2);
  m.data = {0.1, -0.2, 1e-300, 3.0, -0.0, 42.0};
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("xbarmc_test_npy_" + std::to_string(::getpid()) + ".npy"))
                               .string();
  write_npy_matrix(path, m);
  const MatrixD back = read_npy_matrix(path);
  std::filesystem::remove(path);
  EXPECT_EQ(back.rows, 3);
  EXPECT_EQ(back.data, m.data);
}

TEST(Npy, ReadsWhatNumpySaves) {
  if (std::system("python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with numpy not available";
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("xbarmc_test_npy_numpy_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string script =
      "import numpy as np, sys\n"
      "w = np.arange(12, dtype=np.float64).reshape(3, 4) / 8 - 0.5\n"
      "np.save(sys.argv[1] + '/c64.npy', w)\n"
      "np.save(sys.argv[1] + '/f32.npy', np.asfortranarray(w.astype(np.float32)))\n"
      "np.save(sys.argv[1] + '/vec.npy', w[0])\n";
  std::ofstream(dir / "make.py") << script;
  ASSERT_EQ(std::system(("python3 " + (dir / "make.py").string() + " " + dir.string()).c_str()), 0);
  const MatrixD c = read_npy_matrix((dir / "c64.npy").string());
  const MatrixD f = read_npy_matrix((dir / "f32.npy").string());
  std::string vec_error;
  try {
    read_npy_matrix((dir / "vec.npy").string());
  } catch (const UserError& e) {
    vec_error = e.what();
  }
  std::filesystem::remove_all(dir);
  ASSERT_EQ(c.rows, 3);
  ASSERT_EQ(c.cols, 4);
  for (int k = 0; k < 12; ++k) EXPECT_EQ(c.data[k], k / 8.0 - 0.5) << k;
  EXPECT_EQ(f.data, c.data);  // values exact in float32; Fortran order undone
  EXPECT_NE(vec_error.find("shape (4,) is not 2-D"), std::string::npos) << vec_error;
}

}  // namespace
}  // namespace xbarmc
