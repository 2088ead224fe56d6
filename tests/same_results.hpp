// Two results files of one study compared dataset by dataset, for the end-to-end tests
// whose runs must not change the results (threads, batches, --resume, shards + merge,
// MPI ranks). Attributes such as the time of creation and the command line naturally
// differ; the study key and the checksum of the correct counts must not.
#pragma once

#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <vector>

#include "io/h5.hpp"

namespace xbarmc::testing_cli {

// The datasets of an mc results file that hold results: the per-chip rows, the
// statistics and yield, the references and the mapping. A drift file holds the
// "mc/" ones under /drift/uncompensated and /drift/compensated.
inline constexpr const char* kMcResultDatasets[] = {"mc/chip_index",
                                                    "mc/correct",
                                                    "mc/accuracy",
                                                    "mc/no_spike",
                                                    "mc/saturated",
                                                    "mc/times",
                                                    "mc/summary/mean",
                                                    "mc/summary/std",
                                                    "mc/summary/min",
                                                    "mc/summary/max",
                                                    "mc/summary/p1",
                                                    "mc/summary/p5",
                                                    "mc/summary/p10",
                                                    "mc/summary/p50",
                                                    "mc/yield/threshold",
                                                    "mc/yield/fraction",
                                                    "mc/yield/wilson_low",
                                                    "mc/yield/wilson_high",
                                                    "reference/float_accuracy",
                                                    "reference/mapped_accuracy",
                                                    "reference/nominal_accuracy",
                                                    "reference/threshold_ratio",
                                                    "reference/threshold",
                                                    "reference/i_fs_a"};
// The one-layer chip's mapping; a network's per-layer datasets instead.
inline constexpr const char* kOneLayerDatasets[] = {"mapping/g_target", "mapping/levels_pos",
                                                    "mapping/levels_neg"};
inline constexpr const char* kNetworkChipDatasets[] = {"mc/layer_saturated", "mc/layer_spikes",
                                                       "mc/layer_spike_rate"};
inline constexpr const char* kNetworkLayerDatasets[] = {
    "mapping/layers/{}/g_target", "reference/layers/{}/i_fs_a", "reference/layers/{}/rho",
    "reference/layers/{}/threshold_ratio", "reference/layers/{}/threshold"};

// Every result dataset, with the mc group read from `mc_group` ("mc/" or a drift mode),
// the yield specs and the checksum of the correct counts.
inline void expect_same_group(const h5::File& fa, const h5::File& fb, const std::string& mc_group) {
  std::vector<std::string> names(std::begin(kMcResultDatasets), std::end(kMcResultDatasets));
  const bool network = fa.exists("mapping/layers");
  EXPECT_EQ(network, fb.exists("mapping/layers"));
  if (network) {
    names.insert(names.end(), std::begin(kNetworkChipDatasets), std::end(kNetworkChipDatasets));
    const std::size_t n_layers = fa.open_group("mapping/layers").children().size();
    for (std::size_t l = 0; l < n_layers; ++l) {
      for (std::string name : kNetworkLayerDatasets) {
        names.push_back(name.replace(name.find("{}"), 2, std::to_string(l)));
      }
    }
  } else {
    names.insert(names.end(), std::begin(kOneLayerDatasets), std::end(kOneLayerDatasets));
  }
  for (const std::string& name : names) {
    const std::string path = name.compare(0, 3, "mc/") == 0 ? mc_group + name.substr(3) : name;
    const h5::Array<double> da = fa.read<double>(path), db = fb.read<double>(path);
    EXPECT_EQ(da.shape, db.shape) << path;
    EXPECT_EQ(da.data, db.data) << path;
  }
  EXPECT_EQ(fa.read_strings(mc_group + "yield/spec"), fb.read_strings(mc_group + "yield/spec"));
  EXPECT_EQ(fa.open_group(mc_group).string_attribute("checksum"),
            fb.open_group(mc_group).string_attribute("checksum"));
}

// Two mc results files hold the same results of the same study.
inline void expect_same_mc_results(const std::string& a, const std::string& b) {
  const h5::File fa = h5::File::open(a), fb = h5::File::open(b);
  expect_same_group(fa, fb, "mc/");
  EXPECT_EQ(fa.string_attribute("study_key"), fb.string_attribute("study_key"));
}

// Two drift results files hold the same results of the same study, in both modes.
inline void expect_same_drift_results(const std::string& a, const std::string& b) {
  const h5::File fa = h5::File::open(a), fb = h5::File::open(b);
  EXPECT_EQ(fa.string_attribute("study"), "drift");
  for (const char* group : {"drift/uncompensated/", "drift/compensated/"})
    expect_same_group(fa, fb, group);
  EXPECT_EQ(fa.string_attribute("study_key"), fb.string_attribute("study_key"));
}

}  // namespace xbarmc::testing_cli
