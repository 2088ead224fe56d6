// Writes the binary seed corpora of tests/fuzz/corpus through the project's own
// writers, so every seed is a valid file of today's format:
//   make_fuzz_corpus DIR   →  DIR/fuzz_npy, fuzz_idx, fuzz_model_file, fuzz_results_file
// Text seeds (CSV, crossbar, TOML) are written by scripts/make_fuzz_corpus.sh.
// Seeds stay small (a few KB): libFuzzer mutates small inputs faster.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "data/idx.hpp"
#include "io/npy.hpp"
#include "results/results_file.hpp"
#include "train/model_file.hpp"

namespace fs = std::filesystem;
using namespace xbarmc;

namespace {

MatrixD ramp(int rows, int cols, double scale) {
  MatrixD m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m(r, c) = scale * std::sin(1.0 + r * cols + c);
  return m;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The IDX harness reads byte 0 as its mode (bit 0 labels, bit 1 bytes as they are).
void write_idx_seed(const fs::path& dir, const std::string& name, char mode, const fs::path& src) {
  std::ofstream(dir / name, std::ios::binary) << mode << slurp(src);
}

void npy_seeds(const fs::path& dir) {
  write_npy_matrix((dir / "w_2x3.npy").string(), ramp(2, 3, 0.5));
  write_npy_matrix((dir / "w_10x64.npy").string(), ramp(10, 64, 0.8));
}

void idx_seeds(const fs::path& dir) {
  const fs::path tmp = fs::temp_directory_path();
  Images im;
  im.count = 2;
  im.rows = 4;
  im.cols = 3;
  for (int k = 0; k < 24; ++k) im.pixels.push_back(static_cast<std::uint8_t>(k * 10));
  const std::vector<std::uint8_t> labels = {3, 1, 4, 1, 5};
  write_idx_images((tmp / "seed-images").string(), im, false);
  write_idx_images((tmp / "seed-images.gz").string(), im, true);
  write_idx_labels((tmp / "seed-labels").string(), labels, false);
  write_idx_labels((tmp / "seed-labels.gz").string(), labels, true);
  write_idx_seed(dir, "images_raw", '\x02', tmp / "seed-images");
  write_idx_seed(dir, "images_gz_file", '\x02', tmp / "seed-images.gz");
  write_idx_seed(dir, "images_gz_by_harness", '\x00', tmp / "seed-images");
  write_idx_seed(dir, "labels_raw", '\x03', tmp / "seed-labels");
  write_idx_seed(dir, "labels_gz_file", '\x03', tmp / "seed-labels.gz");
  write_idx_seed(dir, "labels_gz_by_harness", '\x01', tmp / "seed-labels");
  for (const char* f : {"seed-images", "seed-images.gz", "seed-labels", "seed-labels.gz"}) {
    fs::remove(tmp / f);
  }
}

Model small_model(int n_out, bool qat) {
  Model m;
  m.features.lo.assign(kNumFeatures, 0.0);
  m.features.hi.assign(kNumFeatures, 1.0);
  m.mapping.weight_bits = 2;
  m.seed = 7;
  m.qat = qat;
  m.w_float = ramp(n_out, kNumFeatures, 0.6);
  m.w_deployed = m.w_float;
  if (qat) {
    m.w_qat = ramp(n_out, kNumFeatures, 0.5);
    m.w_deployed = m.w_qat;
  }
  m.acc_float = {0.8, 0.79, 0.78};
  map_deployed_weights(m);
  return m;
}

void model_seeds(const fs::path& dir) {
  save_model((dir / "model_2out.h5").string(), small_model(2, false));
  save_model((dir / "model_1out_qat.h5").string(), small_model(1, true));
}

// A partial study file, as an interrupted `xbarmc mc` leaves it (3 chips, 2 done),
// and the finished file of the same study.
void results_seeds(const fs::path& dir) {
  study::ResultsHeader h;
  h.provenance.version = "0.1.0";
  h.provenance.study_key = "chips = 3\nseed = 1\n";
  h.times_s = {1.0, 3600.0};
  h.n_chips = 3;
  h.n_images = 10;
  h.split = "val";
  h.refs = {0.8, 0.7, 0.6};
  h.threshold_ratio = 0.5;
  h.threshold = 31.5;
  h.i_fs_a = 1e-9;
  h.yield_specs = {"0.5"};
  h.yield_thresholds = {0.5};
  h.n_in = 2;
  h.n_out = 1;
  h.g_target_s = {1e-9, 2e-12, 2e-12, 3e-9};
  h.levels_pos = {3, 0};
  h.levels_neg = {0, 3};
  const std::string out = (dir / "results.h5").string();
  study::ResultsFile f = study::ResultsFile::create(out, h);
  ChipBatchResult b;
  b.chip_begin = 0;
  b.chip_end = 2;
  b.correct = {7, 8, 6, 5};
  b.no_spike = {0, 1, 0, 2};
  b.saturated = {0, 0, 3, 0};
  f.append(b);
  f.close();
  fs::rename(study::partial_path_for(out), dir / "partial_2_of_3.h5");

  // The finished file of the same study (what `merge` reads).
  study::ResultsFile whole = study::ResultsFile::create(out, h);
  b.chip_end = 3;
  b.correct = {7, 8, 9, 6, 5, 4};
  b.no_spike = {0, 1, 0, 2, 0, 0};
  b.saturated = {0, 0, 3, 0, 1, 0};
  whole.append(b);
  whole.finish();
  fs::rename(out, dir / "finished_3_chips.h5");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_corpus DIR\n");
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* h : {"fuzz_npy", "fuzz_idx", "fuzz_model_file", "fuzz_results_file"}) {
    fs::create_directories(root / h);
  }
  npy_seeds(root / "fuzz_npy");
  idx_seeds(root / "fuzz_idx");
  model_seeds(root / "fuzz_model_file");
  results_seeds(root / "fuzz_results_file");
  return 0;
}
