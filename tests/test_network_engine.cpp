// Networks on chips of many arrays (DESIGN §2.7): the fast CPU engine equals the
// reference engine exactly over layer counts, array cuts, schemes, encodings, bias modes,
// IR-drop models, drift compensation and A2A variation; one layer on one array of its
// size given as a network equals the seed's one-layer chip; keys and shapes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/errors.hpp"
#include "engine/chip_instance.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/network.hpp"
#include "engine/network_calibration.hpp"
#include "engine/network_chip.hpp"
#include "engine/reference_engine.hpp"
#include "engine/simd/kernels.hpp"
#include "engine/synthetic_workload.hpp"
#include "network_cases.hpp"

namespace xbarmc {
namespace {

ChipBatchResult run(Engine& e, const StudyInputs& in, std::uint64_t begin, std::uint64_t end) {
  ChipBatchResult r;
  e.run(in, begin, end, r);
  return r;
}

using testing_networks::add_noise_and_variation;
using testing_networks::expect_same_counts;
using testing_networks::spec_of;

// The fast engine with every kernel set this CPU has, on 2 threads over 3 chips and on
// one chip (images in parallel), against the reference.
void expect_fast_equals_reference(const StudyInputs& in, const std::string& what) {
  ReferenceEngine reference;
  const ChipBatchResult ref = run(reference, in, 5, 8);
  ASSERT_FALSE(ref.correct.empty());
  std::uint64_t spikes = 0;
  for (std::uint64_t s : ref.layer_spikes) spikes += s;
  EXPECT_GT(spikes, 0u) << what << ": the case should exercise the neurons";
  for (const simd::Kernels* k :
       {&simd::scalar_kernels(), simd::avx2_kernels(), simd::avx512_kernels()}) {
    if (!k) continue;
    CpuEngine fast(2, k);
    expect_same_counts(run(fast, in, 5, 8), ref, what + " [" + k->name + "]");
    expect_same_counts(run(fast, in, 6, 7), run(reference, in, 6, 7),
                       what + " [" + k->name + ", one chip]");
  }
}

TEST(NetworkEngine, FastEqualsReferenceOverLayersAndArrayCuts) {
  for (const auto& hidden : {std::vector<int>{}, std::vector<int>{24}, std::vector<int>{24, 12}}) {
    // Full arrays, partial row and output blocks, a block of one row, tall and wide.
    for (const auto& size : {std::pair<int, int>{0, 0}, {16, 8}, {13, 6}, {64, 64}, {1, 2}}) {
      SyntheticNetworkSpec spec = spec_of(hidden, size.first, size.second);
      StudyInputs in = make_synthetic_network(spec);
      add_noise_and_variation(in);
      expect_fast_equals_reference(in, std::to_string(hidden.size() + 1) + " layers, arrays " +
                                           std::to_string(size.first) + "x" +
                                           std::to_string(size.second));
    }
  }
}

TEST(NetworkEngine, FastEqualsReferenceOverSchemesEncodingsAndBias) {
  for (Scheme scheme : {Scheme::kA, Scheme::kB}) {
    for (Encoding enc : {Encoding::kRate, Encoding::kDeterministic, Encoding::kDirect}) {
      for (int bias : {0, 1, 2}) {  // none, digital, row
        SyntheticNetworkSpec spec = spec_of({20}, 16, 10);
        spec.bias = bias > 0;
        spec.bias_row = bias == 2;
        StudyInputs in = make_synthetic_network(spec);
        in.readout.scheme = scheme;
        in.readout.encoding = enc;
        in.readout.adc_bits = scheme == Scheme::kA ? 5 : 4;
        recalibrate_network(in);
        add_noise_and_variation(in);
        expect_fast_equals_reference(
            in, std::string("scheme ") + (scheme == Scheme::kA ? "A" : "B") + ", encoding " +
                    std::to_string(static_cast<int>(enc)) + ", bias " + std::to_string(bias));
      }
    }
  }
}

TEST(NetworkEngine, FastEqualsReferenceOverIrDropDriftAndLayout) {
  for (IrDropModel ir : {IrDropModel::kNone, IrDropModel::kFirstOrder, IrDropModel::kNodal}) {
    for (Layout layout : {Layout::kInterleaved, Layout::kBlocked}) {
      SyntheticNetworkSpec spec = spec_of({20}, 16, 10);
      StudyInputs in = make_synthetic_network(spec);
      in.layout = layout;
      // A low-resistance device, where the wires matter (DESIGN §2.4).
      in.device.ir_drop = ir;
      in.device.r_wl_ohm = 2.5;
      in.device.r_bl_ohm = 2.5;
      in.device.nu_mean = 0.02;
      in.device.nu_std = 0.01;
      in.device.drift_spread = 0.01;
      in.device.drift_compensation = true;
      in.times_s = {1.0, 86400.0};
      add_noise_and_variation(in);
      expect_fast_equals_reference(
          in, "ir-drop " + std::to_string(static_cast<int>(ir)) +
                  (layout == Layout::kBlocked ? ", blocked" : ", interleaved"));
    }
  }
}

// One layer without bias on one array of its size, given as a network, is the seed's
// one-layer chip: the same keys, so the same counts (DESIGN §2.7).
TEST(NetworkEngine, OneLayerOnItsOwnArrayEqualsTheOneLayerChip) {
  SyntheticSpec spec;
  spec.n_in = 30;
  spec.n_out = 5;
  spec.n_images = 60;
  spec.timesteps = 8;
  spec.seed = 5;
  StudyInputs legacy = make_synthetic_study(spec);
  add_noise_and_variation(legacy);
  legacy.device.a2a_sigma = 0.0;  // no A2A on the one-layer chip: one array
  legacy.layout = Layout::kBlocked;
  legacy.mapping.layout = Layout::kBlocked;
  legacy.times_s = {1.0, 3600.0};
  StudyInputs as_network = legacy;
  as_network.layers = study_layers(legacy);
  as_network.device.a2a_sigma = 0.3;  // σ_a2a is not 0 here, but one array still draws it
  ASSERT_EQ(as_network.layers.size(), 1u);
  CpuEngine cpu(2);
  ReferenceEngine reference;
  const ChipBatchResult expected = run(cpu, legacy, 0, 4);
  StudyInputs same_factor = as_network;
  same_factor.device.a2a_sigma = 0.0;
  expect_same_counts(run(cpu, same_factor, 0, 4), expected, "fast, network of one layer");
  expect_same_counts(run(reference, same_factor, 0, 4), expected,
                     "reference, network of one layer");
  // With A2A on, the single array's factor is drawn, so the counts may differ, but the
  // run is still valid and reproducible.
  expect_same_counts(run(cpu, as_network, 0, 4), run(reference, as_network, 0, 4), "with A2A");
}

TEST(NetworkEngine, CellKeysAreUniqueOverTheChipAndOffsetByArray) {
  SyntheticNetworkSpec spec = spec_of({20}, 16, 10);
  StudyInputs in = make_synthetic_network(spec);
  in.device.c2c_sigma = 0.2;
  in.device.a2a_sigma = 0.1;
  const Network net = make_network(in);
  ASSERT_GT(net.arrays.size(), 4u);
  NetworkChipScratch scratch;
  NetworkChip chip;
  program_network_chip(in, net, 9, scratch, chip);
  std::uint64_t expected_offset = 0;
  const double d2d = d2d_factor(in.device, in.seed, 9);
  for (std::size_t k = 0; k < net.arrays.size(); ++k) {
    const ArrayPlacement& a = net.arrays[k];
    EXPECT_EQ(a.cell_offset, expected_offset) << "array " << k;
    expected_offset += static_cast<std::uint64_t>(a.rows) * a.cols;
    const double factor = d2d * a2a_factor(in.device, in.seed, 9, static_cast<std::uint32_t>(k));
    for (int cell : {0, a.rows * a.cols - 1, (a.rows * a.cols) / 2}) {
      const ProgrammedCell want =
          program_cell(in.device, net.array_g_target[k][static_cast<std::size_t>(cell)], factor,
                       in.mapping.g_min_s(), in.mapping.g_max_s(), in.seed, 9,
                       a.cell_offset + static_cast<std::uint32_t>(cell));
      EXPECT_EQ(chip.cells[k][static_cast<std::size_t>(cell)].g_s, want.g_s) << "array " << k;
    }
  }
  EXPECT_EQ(net.total_cells, expected_offset);
}

TEST(NetworkEngine, UnusedCellsHoldLevelZeroAndUsedOnesTheLayersTargets) {
  SyntheticNetworkSpec spec = spec_of({}, 16, 4);  // 40 rows → 3 row blocks, 6 outputs → 3 blocks
  const StudyInputs in = make_synthetic_network(spec);
  const Network net = make_network(in);
  ASSERT_EQ(net.arrays.size(), 9u);
  const ArrayPlacement& last = net.arrays.back();  // rows 32..39, outputs 4..5
  EXPECT_EQ(last.row_begin, 32);
  EXPECT_EQ(last.rows_used, 8);
  EXPECT_EQ(last.outs_used, 2);
  const std::vector<double>& g = net.array_g_target.back();
  const double g_min = in.mapping.g_min_s();
  for (int i = 0; i < last.rows; ++i) {
    for (int c = 0; c < last.cols; ++c) {
      const double want =
          i < last.rows_used
              ? in.layers[0].g_target_s[static_cast<std::size_t>(32 + i) * 12 + 8 + c]
              : g_min;
      EXPECT_EQ(g[static_cast<std::size_t>(i) * last.cols + c], want) << i << "," << c;
    }
  }
}

TEST(NetworkEngine, NominalCurrentsAreTheIdealSumsOfEachArraysRows) {
  // Two inputs, one output, arrays of one row: each row block reads its own row.
  StudyInputs in;
  in.n_in = 2;
  in.n_out = 1;
  LayerInputs l;
  l.n_in = 2;
  l.n_out = 1;
  l.g_target_s = {1e-6, 2e-6,   // row 0: pos, neg
                  3e-6, 5e-7};  // row 1
  in.layers = {l};
  in.array_rows = 1;
  in.readout.v_read_v = 0.1;
  const float inputs[2] = {1.0f, 1.0f};
  std::vector<double> currents;
  nominal_layer_currents(in, 0, inputs, currents);
  // Scheme B: every used column of each array: 0.1·G.
  ASSERT_EQ(currents.size(), 4u);
  EXPECT_DOUBLE_EQ(currents[0], 1e-7);
  EXPECT_DOUBLE_EQ(currents[1], 2e-7);
  EXPECT_DOUBLE_EQ(currents[2], 3e-7);
  EXPECT_DOUBLE_EQ(currents[3], 5e-8);
  in.readout.scheme = Scheme::kA;  // |I_pos − I_neg| per output per array
  nominal_layer_currents(in, 0, inputs, currents);
  ASSERT_EQ(currents.size(), 2u);
  EXPECT_DOUBLE_EQ(currents[0], 1e-7);
  EXPECT_DOUBLE_EQ(currents[1], 2.5e-7);
}

TEST(NetworkEngine, BadShapesAreUserErrors) {
  StudyInputs in = make_synthetic_network(spec_of({20}, 0, 0));
  StudyInputs odd = in;
  odd.array_cols = 7;
  EXPECT_THROW(make_network(odd), UserError);
  odd.array_cols = 1;
  EXPECT_THROW(make_network(odd), UserError);
  StudyInputs unchained = in;
  unchained.layers[1].n_in = 19;
  EXPECT_THROW(make_network(unchained), UserError);
}

}  // namespace
}  // namespace xbarmc
