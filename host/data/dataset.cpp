#include "data/dataset.hpp"

#include <algorithm>
#include <filesystem>

#include "common/errors.hpp"

namespace xbarmc {
namespace {

std::string find_idx_file(const std::string& dir, const std::string& stem) {
  namespace fs = std::filesystem;
  for (const std::string& name : {stem, stem + ".gz"}) {
    const fs::path p = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  throw UserError(dir + ": no " + stem + " or " + stem + ".gz in the data directory");
}

LabelledImages read_pair(const std::string& dir, const std::string& images_stem,
                         const std::string& labels_stem) {
  const std::string images_path = find_idx_file(dir, images_stem);
  const std::string labels_path = find_idx_file(dir, labels_stem);
  LabelledImages out;
  out.images = read_idx_images(images_path);
  out.labels = read_idx_labels(labels_path);
  if (static_cast<std::size_t>(out.images.count) != out.labels.size()) {
    throw UserError(images_path + " holds " + std::to_string(out.images.count) + " images but " +
                    labels_path + " holds " + std::to_string(out.labels.size()) + " labels");
  }
  return out;
}

}  // namespace

int val_count_for(int n_train_file) {
  return n_train_file >= 60000 ? kDefaultValCount : n_train_file / 6;
}

LabelledImages slice(const LabelledImages& set, int begin, int end) {
  LabelledImages out;
  const std::size_t ppi = static_cast<std::size_t>(set.images.pixels_per_image());
  out.images.count = end - begin;
  out.images.rows = set.images.rows;
  out.images.cols = set.images.cols;
  out.images.pixels.assign(set.images.pixels.begin() + static_cast<std::ptrdiff_t>(begin * ppi),
                           set.images.pixels.begin() + static_cast<std::ptrdiff_t>(end * ppi));
  out.labels.assign(set.labels.begin() + begin, set.labels.begin() + end);
  return out;
}

Dataset load_dataset(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw UserError(dir + ": data directory does not exist");
  }
  const LabelledImages train_file =
      read_pair(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
  LabelledImages test = read_pair(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  if (test.images.rows != train_file.images.rows || test.images.cols != train_file.images.cols) {
    throw UserError(dir + ": training images are " + std::to_string(train_file.images.rows) + "x" +
                    std::to_string(train_file.images.cols) + " but test images are " +
                    std::to_string(test.images.rows) + "x" + std::to_string(test.images.cols));
  }
  const int n_val = val_count_for(train_file.size());
  if (n_val < 1) {
    throw UserError(dir + ": the training file has " + std::to_string(train_file.size()) +
                    " images, too few to split off a validation set (need at least 6)");
  }
  Dataset d;
  d.dir = dir;
  d.train = slice(train_file, 0, train_file.size() - n_val);
  d.val = slice(train_file, train_file.size() - n_val, train_file.size());
  d.test = std::move(test);
  d.n_classes = 1 + *std::max_element(d.train.labels.begin(), d.train.labels.end());
  if (d.n_classes < 2) throw UserError(dir + ": the training labels hold a single class");
  for (const LabelledImages* set : {&d.val, &d.test}) {
    for (std::uint8_t y : set->labels) {
      if (y >= d.n_classes) {
        throw UserError(dir + ": label " + std::to_string(y) +
                        " in val/test lies outside the training labels 0.." +
                        std::to_string(d.n_classes - 1));
      }
    }
  }
  return d;
}

}  // namespace xbarmc
