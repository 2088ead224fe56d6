// What a results file records of a network on chips of many arrays (DESIGN §2.7, §3;
// README "Results file"): per layer its logical conductances, digital bias, mapping
// scale and resolved array size under /mapping/layers/<l>, and its resolved readout
// (I_fs, ρ, r, θ) under /reference/layers/<l>. One-layer studies of the seed's chip do
// not have it (their files keep the layout of before).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xbarmc::h5 {
class File;
}

namespace xbarmc::study {

struct LayerRecord {
  int n_in = 0, n_out = 0;
  std::string bias_mode = "none";  // "none", "digital" or "row"
  std::vector<double> g_target_s;  // [(n_in + 1 if row bias) × 2·n_out], interleaved, S
  std::vector<double> bias;        // the digital bias b_j [n_out]; empty otherwise
  double shared_max = 0.0;
  int array_rows = 0, array_cols = 0;  // resolved R_a × C_a
  int arrays = 0;                      // physical arrays the layer occupies
  int adcs = 0;                        // ADC conversions per step (used columns; A: per output)
  double i_fs_a = 0.0, rho = 0.0, threshold_ratio = 0.0, threshold = 0.0;

  int rows() const { return n_in + (bias_mode == "row" ? 1 : 0); }
};

struct NetworkRecord {
  std::vector<LayerRecord> layers;
  bool empty() const { return layers.empty(); }
};

void write_network_record(const h5::File& f, const NetworkRecord& n);
// Empty when the file has no /mapping/layers. Throws UserError naming the file and
// dataset when it is incomplete or ill-shaped.
NetworkRecord read_network_record(const h5::File& f);
// The datasets write_network_record makes, for comparisons (merge).
std::vector<std::string> network_record_datasets(const NetworkRecord& n);

}  // namespace xbarmc::study
