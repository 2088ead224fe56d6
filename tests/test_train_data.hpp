// Small generated data sets for the data/features/train tests: images whose class
// is a bright 7×7 block at one of ten grid positions over Philox noise, so every
// feature method separates them; a temporary directory that removes itself.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "xbarmc/rng.hpp"

namespace xbarmc::testing_data {

namespace fs = std::filesystem;

class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() / ("xbarmc_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// `count` 28×28 images; label i % 10; noise amplitude `noise` (0..255).
inline LabelledImages block_images(int count, std::uint32_t key, int noise = 60) {
  LabelledImages out;
  out.images.count = count;
  out.images.rows = 28;
  out.images.cols = 28;
  out.images.pixels.resize(static_cast<std::size_t>(count) * 28 * 28);
  out.labels.resize(count);
  const Stream s = make_stream(1234, Purpose::kInputSpikes, key);
  for (int i = 0; i < count; ++i) {
    const int label = i % 10;
    out.labels[i] = static_cast<std::uint8_t>(label);
    const int top = (label / 5) * 14 + 3, left = (label % 5) * 5 + 1;
    std::uint8_t* img = out.images.pixels.data() + static_cast<std::size_t>(i) * 784;
    for (int p = 0; p < 784; ++p) {
      const int r = p / 28, c = p % 28;
      const bool in_block = r >= top && r < top + 7 && c >= left && c < left + 5;
      const double u = uniform_double(stream_word(s, static_cast<std::uint32_t>(i * 784 + p)));
      const double v = (in_block ? 180.0 : 0.0) + u * noise;
      img[p] = static_cast<std::uint8_t>(v > 255.0 ? 255.0 : v);
    }
  }
  return out;
}

// Writes the four IDX files of a data set (train file = n_train images).
inline void write_idx_set(const TempDir& dir, int n_train, int n_test, bool gzip) {
  const std::string ext = gzip ? ".gz" : "";
  const LabelledImages train = block_images(n_train, 1);
  const LabelledImages test = block_images(n_test, 2);
  write_idx_images(dir.file("train-images-idx3-ubyte" + ext), train.images, gzip);
  write_idx_labels(dir.file("train-labels-idx1-ubyte" + ext), train.labels, gzip);
  write_idx_images(dir.file("t10k-images-idx3-ubyte" + ext), test.images, gzip);
  write_idx_labels(dir.file("t10k-labels-idx1-ubyte" + ext), test.labels, gzip);
}

// A data set in memory with the splits of load_dataset.
inline Dataset block_dataset(int n_train_file, int n_test) {
  const LabelledImages file = block_images(n_train_file, 1);
  const int n_val = val_count_for(n_train_file);
  Dataset d;
  d.train = slice(file, 0, n_train_file - n_val);
  d.val = slice(file, n_train_file - n_val, n_train_file);
  d.test = block_images(n_test, 2);
  d.n_classes = 10;
  return d;
}

}  // namespace xbarmc::testing_data
