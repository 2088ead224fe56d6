// IDX reading (raw and gzip), its one-line errors for bad files, the train/val/test
// split of DESIGN §2.1 and the seeded epoch permutations.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "data/shuffle.hpp"
#include "test_train_data.hpp"

namespace xbarmc {
namespace {

using testing_data::TempDir;

template <class F>
std::string user_error(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Images small_images() {
  Images im;
  im.count = 3;
  im.rows = 5;
  im.cols = 4;
  im.pixels.resize(60);
  std::iota(im.pixels.begin(), im.pixels.end(), std::uint8_t{7});
  return im;
}

TEST(Idx, RawAndGzipRoundTrip) {
  TempDir dir("idx_roundtrip");
  const Images im = small_images();
  const std::vector<std::uint8_t> labels = {3, 1, 4};
  for (bool gz : {false, true}) {
    const std::string ip = dir.file(gz ? "i.gz" : "i"), lp = dir.file(gz ? "l.gz" : "l");
    write_idx_images(ip, im, gz);
    write_idx_labels(lp, labels, gz);
    // A gzip file starts with 0x1f 0x8b; a raw one with the IDX magic 00 00 08 03.
    EXPECT_EQ(static_cast<unsigned char>(read_bytes(ip)[0]), gz ? 0x1fu : 0x00u);
    const Images back = read_idx_images(ip);
    EXPECT_EQ(back.count, 3);
    EXPECT_EQ(back.rows, 5);
    EXPECT_EQ(back.cols, 4);
    EXPECT_EQ(back.pixels, im.pixels);
    EXPECT_EQ(read_idx_labels(lp), labels);
  }
}

TEST(Idx, RawFileHasTheDocumentedLayout) {
  TempDir dir("idx_layout");
  write_idx_labels(dir.file("l"), {9, 8}, false);
  const std::vector<char> b = read_bytes(dir.file("l"));
  const std::vector<char> expected = {0, 0, 8, 1, 0, 0, 0, 2, 9, 8};
  EXPECT_EQ(b, expected);
}

TEST(Idx, WrongMagicNumberIsAOneLineErrorNamingTheFile) {
  TempDir dir("idx_magic");
  write_idx_labels(dir.file("labels"), {1, 2, 3}, false);
  const std::string msg = user_error([&] { read_idx_images(dir.file("labels")); });
  EXPECT_NE(msg.find(dir.file("labels")), std::string::npos) << msg;
  EXPECT_NE(msg.find("magic"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  write_idx_images(dir.file("images"), small_images(), false);
  EXPECT_NE(user_error([&] { read_idx_labels(dir.file("images")); }).find("magic"),
            std::string::npos);
}

TEST(Idx, TruncatedRawFileIsRejected) {
  TempDir dir("idx_trunc");
  write_idx_images(dir.file("i"), small_images(), false);
  std::vector<char> b = read_bytes(dir.file("i"));
  b.resize(b.size() - 5);
  write_bytes(dir.file("i"), b);
  const std::string msg = user_error([&] { read_idx_images(dir.file("i")); });
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find(dir.file("i")), std::string::npos) << msg;
  b.resize(10);  // inside the header
  write_bytes(dir.file("i"), b);
  EXPECT_NE(user_error([&] { read_idx_images(dir.file("i")); }).find("truncated"),
            std::string::npos);
}

TEST(Idx, TrailingBytesAreRejected) {
  TempDir dir("idx_trailing");
  write_idx_labels(dir.file("l"), {1, 2}, false);
  std::vector<char> b = read_bytes(dir.file("l"));
  b.push_back(0);
  write_bytes(dir.file("l"), b);
  EXPECT_NE(user_error([&] { read_idx_labels(dir.file("l")); }).find("trailing"),
            std::string::npos);
}

TEST(Idx, ZeroDimensionIsRejected) {
  TempDir dir("idx_zero");
  write_bytes(dir.file("i"), {0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28});
  EXPECT_NE(user_error([&] { read_idx_images(dir.file("i")); }).find("zero"), std::string::npos);
}

TEST(Idx, TruncatedAndCorruptGzipAreRejected) {
  TempDir dir("idx_gz");
  Images im = small_images();
  im.count = 1000;
  im.pixels.resize(1000 * 20);
  for (std::size_t i = 0; i < im.pixels.size(); ++i)
    im.pixels[i] = static_cast<std::uint8_t>(i * 7 % 251);
  write_idx_images(dir.file("i.gz"), im, true);
  const std::vector<char> whole = read_bytes(dir.file("i.gz"));

  std::vector<char> cut(whole.begin(),
                        whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2));
  write_bytes(dir.file("cut.gz"), cut);
  const std::string msg = user_error([&] { read_idx_images(dir.file("cut.gz")); });
  EXPECT_NE(msg.find(dir.file("cut.gz")), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;

  std::vector<char> bad = whole;
  for (std::size_t i = 20; i < 60 && i < bad.size(); ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  write_bytes(dir.file("bad.gz"), bad);
  EXPECT_FALSE(user_error([&] { read_idx_images(dir.file("bad.gz")); }).empty());
}

TEST(Idx, MissingFileIsAUserError) {
  EXPECT_NE(user_error([] { read_idx_images("/nonexistent/xbarmc/images"); }).find("/nonexistent"),
            std::string::npos);
}

TEST(Dataset, SplitsTrainValTestInFileOrder) {
  TempDir dir("dataset_split");
  testing_data::write_idx_set(dir, 120, 30, true);
  const Dataset d = load_dataset(dir.path().string());
  EXPECT_EQ(d.train.size(), 100);  // 5:1 below 60 000 images
  EXPECT_EQ(d.val.size(), 20);
  EXPECT_EQ(d.test.size(), 30);
  EXPECT_EQ(d.n_classes, 10);
  const LabelledImages file = testing_data::block_images(120, 1);
  EXPECT_TRUE(std::equal(d.val.images.pixels.begin(), d.val.images.pixels.end(),
                         file.images.pixels.begin() + 100 * 784));
  EXPECT_EQ(d.val.labels[0], file.labels[100]);
  EXPECT_EQ(val_count_for(60000), 10000);  // DESIGN §2.1: 50 000 / 10 000
  EXPECT_EQ(val_count_for(70000), 10000);
}

TEST(Dataset, RawFilesWorkToo) {
  TempDir dir("dataset_raw");
  testing_data::write_idx_set(dir, 60, 10, false);
  EXPECT_EQ(load_dataset(dir.path().string()).train.size(), 50);
}

TEST(Dataset, CountMismatchNamesBothFiles) {
  TempDir dir("dataset_mismatch");
  testing_data::write_idx_set(dir, 60, 10, true);
  write_idx_labels(dir.file("train-labels-idx1-ubyte.gz"), std::vector<std::uint8_t>(59, 1), true);
  const std::string msg = user_error([&] { load_dataset(dir.path().string()); });
  EXPECT_NE(msg.find("train-images-idx3-ubyte.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("train-labels-idx1-ubyte.gz"), std::string::npos) << msg;
}

TEST(Dataset, MissingFileAndDirectoryAreNamed) {
  TempDir dir("dataset_missing");
  testing_data::write_idx_set(dir, 60, 10, true);
  std::filesystem::remove(dir.file("t10k-labels-idx1-ubyte.gz"));
  EXPECT_NE(user_error([&] { load_dataset(dir.path().string()); }).find("t10k-labels-idx1-ubyte"),
            std::string::npos);
  EXPECT_NE(user_error([] { load_dataset("/nonexistent/xbarmc"); }).find("/nonexistent/xbarmc"),
            std::string::npos);
}

TEST(Shuffle, EpochPermutationIsSeededAndComplete) {
  const std::vector<int> a = epoch_permutation(7, TrainPhase::kFloat, 1, 1000);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sorted[i], i);
  EXPECT_EQ(a, epoch_permutation(7, TrainPhase::kFloat, 1, 1000));
  EXPECT_NE(a, epoch_permutation(7, TrainPhase::kFloat, 2, 1000));
  EXPECT_NE(a, epoch_permutation(8, TrainPhase::kFloat, 1, 1000));
  EXPECT_NE(a, epoch_permutation(7, TrainPhase::kQat, 1, 1000));
}

}  // namespace
}  // namespace xbarmc
