// The weights loader of `xbarmc map`: dispatch on the extension, one error type.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.hpp"
#include "io/npy.hpp"
#include "train/weights_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;

class WeightsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xbarmc_test_weights_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::string load_error(const std::string& path) {
  try {
    load_weights(path);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST_F(WeightsFile, CsvAndNpyGiveTheSameMatrixWhateverTheCaseOfTheExtension) {
  std::ofstream(path("W.CSV")) << "0.5,-0.25\n1,0\n3e-1,-2\n";
  MatrixD want(3, 2);
  want.data = {0.5, -0.25, 1.0, 0.0, 0.3, -2.0};
  write_npy_matrix(path("W.Npy"), want);
  const MatrixD csv = load_weights(path("W.CSV"));
  const MatrixD npy = load_weights(path("W.Npy"));
  EXPECT_EQ(csv.rows, 3);
  EXPECT_EQ(csv.cols, 2);
  EXPECT_EQ(csv.data, want.data);
  EXPECT_EQ(npy.data, want.data);
}

TEST_F(WeightsFile, UnknownExtensionIsAUserErrorNamingTheFile) {
  std::ofstream(path("w.tsv")) << "1\t2\n";
  EXPECT_EQ(load_error(path("w.tsv")),
            path("w.tsv") +
                ": unknown weights format '.tsv'; expected .csv, .npy or .h5 (a model "
                "from xbarmc train)");
  EXPECT_EQ(load_error(path("noext")).find(path("noext") + ": unknown weights format ''"), 0u);
}

TEST_F(WeightsFile, H5ThatIsNotAModelIsRefused) {
  std::ofstream(path("w.h5")) << "1,2\n";
  EXPECT_EQ(load_error(path("w.h5")), path("w.h5") + ": not an HDF5 file");
}

}  // namespace
}  // namespace xbarmc
