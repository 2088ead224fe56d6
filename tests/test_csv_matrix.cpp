// The strict CSV matrix reader shared by `map` and `crossbar solve`.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.hpp"
#include "io/csv_matrix.hpp"

namespace xbarmc {
namespace {

// The UserError message for parsing `text`, or "" if it parsed.
std::string parse_error(const std::string& text) {
  try {
    parse_csv_matrix(text, "m.csv");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(CsvMatrix, ReadsRowsAndColumnsInOrder) {
  const MatrixD m = parse_csv_matrix("1,2,3\n4.5,-6e-3,+7\n", "m.csv");
  ASSERT_EQ(m.rows, 2);
  ASSERT_EQ(m.cols, 3);
  EXPECT_EQ(m(0, 0), 1.0);
  EXPECT_EQ(m(0, 2), 3.0);
  EXPECT_EQ(m(1, 0), 4.5);
  EXPECT_EQ(m(1, 1), -6e-3);
  EXPECT_EQ(m(1, 2), 7.0);
}

TEST(CsvMatrix, AcceptsSpacesCrlfBomAndTrailingBlankLines) {
  const MatrixD m = parse_csv_matrix("\xEF\xBB\xBF 1 ,\t2\r\n3, 4 \r\n\n  \n", "m.csv");
  ASSERT_EQ(m.rows, 2);
  ASSERT_EQ(m.cols, 2);
  EXPECT_EQ(m(1, 1), 4.0);
}

TEST(CsvMatrix, AcceptsFileWithoutFinalNewline) {
  const MatrixD m = parse_csv_matrix("1,2\n3,4", "m.csv");
  EXPECT_EQ(m.rows, 2);
  EXPECT_EQ(m(1, 1), 4.0);
}

TEST(CsvMatrix, RejectsEmptyFile) {
  EXPECT_NE(parse_error("").find("m.csv: empty file"), std::string::npos);
  EXPECT_NE(parse_error("\n \n").find("empty file"), std::string::npos);
}

TEST(CsvMatrix, RejectsRaggedLineNamingIt) {
  EXPECT_EQ(parse_error("1,2,3\n4,5,6\n7,8\n"), "m.csv:3: 2 values, expected 3 as on line 1");
}

TEST(CsvMatrix, RejectsHeaderAndTextNamingLineAndValue) {
  EXPECT_EQ(parse_error("a,b\n1,2\n"), "m.csv:1: value 1 'a' is not a number");
  EXPECT_EQ(parse_error("1,2\n3,4x\n"), "m.csv:2: value 2 '4x' is not a number");
  EXPECT_EQ(parse_error("1,0x10\n"), "m.csv:1: value 2 '0x10' is not a number");
  EXPECT_EQ(parse_error("1;2\n"), "m.csv:1: value 1 '1;2' is not a number");
}

TEST(CsvMatrix, RejectsNanAndInfinity) {
  EXPECT_EQ(parse_error("1,nan\n"), "m.csv:1: value 2 'nan' is not finite");
  EXPECT_EQ(parse_error("inf,1\n"), "m.csv:1: value 1 'inf' is not finite");
  EXPECT_EQ(parse_error("-Infinity,1\n"), "m.csv:1: value 1 '-Infinity' is not finite");
  EXPECT_EQ(parse_error("1e999,1\n"), "m.csv:1: value 1 '1e999' is out of the range of a double");
}

TEST(CsvMatrix, RejectsEmptyValuesAndEmptyLinesInside) {
  EXPECT_EQ(parse_error("1,,2\n"), "m.csv:1: value 2 is empty");
  EXPECT_EQ(parse_error("1,2,\n"), "m.csv:1: value 3 is empty");
  EXPECT_EQ(parse_error("1,2\n\n3,4\n"), "m.csv:2: empty line");
  EXPECT_EQ(parse_error("1,+\n"), "m.csv:1: value 2 '+' is not a number");
  EXPECT_EQ(parse_error("1,-\n"), "m.csv:1: value 2 '-' is not a number");
  EXPECT_EQ(parse_error("1,+-2\n"), "m.csv:1: value 2 '+-2' is not a number");
}

TEST(CsvMatrix, MissingFileNamesThePath) {
  try {
    read_csv_matrix("/nonexistent/xbarmc/w.csv");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/xbarmc/w.csv"), std::string::npos);
  }
}

TEST(CsvMatrix, WriteThenReadRoundTripsExactly) {
  MatrixD m(2, 3);
  m(0, 0) = 0.1;
  m(0, 1) = -1.0 / 3.0;
  m(0, 2) = 1.575e-9;
  m(1, 0) = 6.02214076e23;
  m(1, 1) = -0.0;
  m(1, 2) = 4.9e-324;
  const std::string path =
      (std::filesystem::temp_directory_path() / "xbarmc_test_csv_roundtrip.csv").string();
  write_csv_matrix(path, m);
  const MatrixD back = read_csv_matrix(path);
  std::remove(path.c_str());
  ASSERT_EQ(back.rows, 2);
  ASSERT_EQ(back.cols, 3);
  EXPECT_EQ(back.data, m.data);
}

}  // namespace
}  // namespace xbarmc
