// configs/network_rram.toml end to end at a reduced size: a study config that includes
// the real preset file (which itself includes low_r_rram.toml) and overrides only the
// data, the epochs, the chip and image counts and the paths, run through `xbarmc run`.
// It trains the raw 784→256→10 network with biases and QAT, cuts it into 128×128 arrays
// of the low-R device with nodal IR-drop and A2A variation, and writes the per-layer
// results; the analysis report reads the file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.hpp"
#include "io/h5.hpp"
#include "test_train_data.hpp"
#include "train/model_file.hpp"

namespace xbarmc {
namespace {

namespace fs = std::filesystem;
using testing_cli::CliRun;
using testing_cli::run_xbarmc;
using testing_data::TempDir;

TEST(NetworkRramConfig, RunsEndToEndOnAReducedSize) {
  TempDir dir("network_rram_config");
  testing_data::write_idx_set(dir, 300, 60, false);
  const std::string preset = std::string(XBARMC_SOURCE_DIR) + "/configs/network_rram.toml";
  ASSERT_TRUE(fs::exists(preset));
  std::ofstream(dir.file("study.toml")) << "include = [\"" << preset << "\"]\n\n"
                                        << "[train]\n"
                                        << "data-dir = \"" << dir.path().string() << "\"\n"
                                        << "epochs = 2\n"
                                        << "qat-epochs = 1\n"
                                        << "out = \"" << dir.file("cache/model.h5") << "\"\n\n"
                                        << "[mc]\n"
                                        << "data-dir = \"" << dir.path().string() << "\"\n"
                                        << "chips = 3\n"
                                        << "images = 40\n"
                                        << "out = \"" << dir.file("out/results.h5") << "\"\n";
  const CliRun r = run_xbarmc(dir, "run --quiet --threads 2 " + dir.file("study.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("references (40 images): float "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 chips, checksum of correct counts: "), std::string::npos) << r.out;

  // The trained network: [train] of the preset, the device of low_r_rram.toml.
  const Model m = load_model(dir.file("cache/model.h5"));
  ASSERT_EQ(m.n_layers(), 2);
  EXPECT_EQ(m.layers[0].n_in(), 784);
  EXPECT_EQ(m.layers[0].n_out(), 256);
  EXPECT_EQ(m.layers[1].n_out(), 10);
  EXPECT_FALSE(m.layers[0].bias.empty());
  EXPECT_FALSE(m.layers[1].bias.empty());
  EXPECT_TRUE(m.qat);
  EXPECT_EQ(m.mapping.weight_bits, 4);
  EXPECT_EQ(m.mapping.r_on_ohm, 5e3);
  EXPECT_EQ(m.mapping.r_off_ohm, 1e5);

  const h5::File f = h5::File::open(dir.file("out/results.h5"));
  // The settings of both preset files reached the study.
  const std::string toml = f.string_attribute("config_toml");
  for (const std::string key :
       {"a2a-sigma = 0.03", "array-rows = 128", "array-cols = 128", "ir-drop = \"nodal\"",
        "r-wl = 2.5", "r-bl = 2.5", "c2c-sigma = 0.05", "d2d-sigma = 0.03", "times = [1, 8.64e+04]",
        "scheme = \"B\"", "adc-bits = 6", "timesteps = 16", "chips = 3", "images = 40"}) {
    EXPECT_NE(toml.find(key + "\n"), std::string::npos) << key << " in\n" << toml;
  }
  // 784 → 256 → 10 on 128 × 128 arrays: layer 0 has 7 row blocks × 4 output blocks of
  // 64 outputs and 7 × 512 ADCs, layer 1 2 row blocks × 1 with 2 × 20 ADCs.
  const h5::Group l0 = f.open_group("mapping/layers/0"), l1 = f.open_group("mapping/layers/1");
  EXPECT_EQ(l0.int_attribute("arrays"), 28);
  EXPECT_EQ(l1.int_attribute("arrays"), 2);
  EXPECT_EQ(l0.int_attribute("adcs"), 7 * 512);
  EXPECT_EQ(l1.int_attribute("adcs"), 2 * 20);
  for (const h5::Group* g : {&l0, &l1}) {
    EXPECT_EQ(g->int_attribute("array_rows"), 128);
    EXPECT_EQ(g->int_attribute("array_cols"), 128);
    EXPECT_EQ(g->string_attribute("bias_mode"), "digital");
  }
  const h5::Array<double> times = f.read<double>("mc/times");
  EXPECT_EQ(times.data, (std::vector<double>{1.0, 86400.0}));
  const h5::Array<double> rate = f.read<double>("mc/layer_spike_rate");
  const h5::Array<std::uint64_t> spikes = f.read<std::uint64_t>("mc/layer_spikes");
  ASSERT_EQ(rate.shape, (h5::Shape{2, 2, 3}));
  for (std::size_t q = 0; q < rate.data.size(); ++q) {
    const double n_out = q < 6 ? 256.0 : 10.0;
    EXPECT_DOUBLE_EQ(rate.data[q], static_cast<double>(spikes.data[q]) / (40.0 * 16 * n_out));
    EXPECT_LE(rate.data[q], 1.0);
  }
  for (std::size_t q = 0; q < 6; ++q) EXPECT_GT(spikes.data[q], 0u) << q;  // the hidden layer fires
  for (const std::string l : {"0", "1"}) {
    EXPECT_GT(f.read<double>("reference/layers/" + l + "/threshold").data.at(0), 0.0);
    EXPECT_GT(f.read<double>("reference/layers/" + l + "/i_fs_a").data.at(0), 0.0);
  }

  // The analysis report reads the file and shows the per-layer table.
  const std::string report = dir.file("out/report.html");
  const std::string cmd = "python3 " + std::string(XBARMC_SOURCE_DIR) + "/analysis/report.py " +
                          dir.file("out/results.h5") + " --out " + report + " >" +
                          dir.file("report.txt") + " 2>&1";
  if (std::system("python3 -c 'import h5py, matplotlib' >/dev/null 2>&1") == 0) {
    ASSERT_EQ(std::system(cmd.c_str()), 0) << testing_cli::slurp(dir.file("report.txt"));
    const std::string html = testing_cli::slurp(report);
    EXPECT_NE(html.find("784→256→10"), std::string::npos);
    EXPECT_NE(html.find("28 × 128×128"), std::string::npos);
  }
}

}  // namespace
}  // namespace xbarmc
