// An IDX image set split as DESIGN §2.1: train = the first 50 000 images of the
// training file, val = its last 10 000, test = the test file. Sets with fewer than
// 60 000 training images (tests, small IDX sets) keep the same 5:1 ratio.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/idx.hpp"

namespace xbarmc {

// Debian's dataset-fashion-mnist (installed by scripts/install-deps.sh).
constexpr const char* kDefaultDataDir = "/usr/share/datasets/fashion-mnist";
constexpr int kDefaultValCount = 10000;

struct LabelledImages {
  Images images;
  std::vector<std::uint8_t> labels;
  int size() const { return images.count; }
};

struct Dataset {
  LabelledImages train, val, test;
  int n_classes = 0;  // 1 + the largest training label
  std::string dir;
};

// Reads {train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte} from `dir`, each plain or with ".gz". Throws UserError
// (naming the directory or file) when a file is missing or invalid, when image and
// label counts disagree, when train and test images differ in size, or when a
// test label lies outside the training labels' range.
Dataset load_dataset(const std::string& dir);

// Images [begin, end) of `set`.
LabelledImages slice(const LabelledImages& set, int begin, int end);

// How many of n training-file images go to val: 10 000, or n/6 when n < 60 000.
int val_count_for(int n_train_file);

}  // namespace xbarmc
