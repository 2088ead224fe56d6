// Networks on arrays (DESIGN §2.7): the per-layer mapping with a digital or row bias,
// the cutting of layers into R_a × C_a arrays, and each array's physical G, which must
// reassemble into the layer's logical G_target and reduce, for one layer on one array,
// to the seed's single-array chip (map_layer).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "mapping/array_plan.hpp"
#include "mapping/layer_mapping.hpp"
#include "mapping/map_layer.hpp"

namespace xbarmc {
namespace {

const MappingParams kSeed{};  // the seed's device: 4 bits, log levels

MatrixD ramp(int rows, int cols, double scale) {
  MatrixD w(rows, cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) w(r, c) = scale * std::sin(0.37 * r + 1.3 * c + 0.1);
  }
  return w;
}

template <class F>
std::string user_error(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(LayerMapping, RowBiasJoinsSharedMaxAndBecomesTheLastRow) {
  // The seed's worked example W = −0.30, shared_max 0.8 (→ level_neg 13), here with the
  // 0.8 coming from the bias: row mode scales the weights by max(max|W|, max|b|).
  MatrixD w(1, 2);
  w(0, 0) = -0.30;
  w(0, 1) = 0.52;
  const LayerMapping row = map_network_layer(w, {0.8}, BiasMode::kRow, kSeed);
  EXPECT_EQ(row.shared_max, 0.8);
  ASSERT_TRUE(row.bias_row);
  ASSERT_EQ(row.rows(), 3);
  EXPECT_EQ(row.level_neg(0, 0), 13);
  EXPECT_EQ(row.level_pos(1, 0), 14);  // +0.52 / 0.8 = 0.65 → level 14 (seed)
  EXPECT_EQ(row.level_pos(2, 0), 15);  // the bias 0.8 = shared_max → g_max
  EXPECT_EQ(row.level_neg(2, 0), 0);
  EXPECT_DOUBLE_EQ(row.g_target_s[2 * 2 + 0], kSeed.g_max_s());
  EXPECT_DOUBLE_EQ(row.bias_q.at(0), 0.8 * (1.0 - kSeed.g_min_s() / kSeed.g_max_s()));

  // Digital: the bias stays off the array and out of shared_max.
  const LayerMapping digital = map_network_layer(w, {0.8}, BiasMode::kDigital, kSeed);
  EXPECT_FALSE(digital.bias_row);
  EXPECT_EQ(digital.rows(), 2);
  EXPECT_EQ(digital.shared_max, 0.52);
  EXPECT_TRUE(digital.bias_q.empty());
  // A bias mode without a bias maps exactly as no bias does.
  const LayerMapping none = map_network_layer(w, {}, BiasMode::kRow, kSeed);
  EXPECT_EQ(none.g_target_s, map_network_layer(w, {}, BiasMode::kDigital, kSeed).g_target_s);
}

TEST(LayerMapping, LogicalColumnsInterleavePositiveAndNegative) {
  const MatrixD w = ramp(3, 4, 0.7);
  const LayerMapping m = map_network_layer(w, {}, BiasMode::kDigital, kSeed);
  const LevelTable t = make_level_table(kSeed);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(m.g_target_s[static_cast<std::size_t>(i) * 6 + 2 * j], t.g_s[m.level_pos(i, j)]);
      EXPECT_EQ(m.g_target_s[static_cast<std::size_t>(i) * 6 + 2 * j + 1],
                t.g_s[m.level_neg(i, j)]);
    }
  }
}

TEST(ArrayPlan, ZeroSizesGiveOneArrayPerLayerOfItsSize) {
  const ArrayPlan p = plan_arrays({{785, 256}, {256, 10}}, 0, 0);
  ASSERT_EQ(p.arrays.size(), 2u);
  EXPECT_EQ(p.arrays[0].rows, 785);
  EXPECT_EQ(p.arrays[0].cols, 512);
  EXPECT_EQ(p.arrays[1].rows, 256);
  EXPECT_EQ(p.arrays[1].cols, 20);
  EXPECT_EQ(p.arrays[1].cell_offset, 785u * 512u);
  EXPECT_EQ(p.total_cells, 785u * 512u + 256u * 20u);
  EXPECT_EQ(p.layer_first, (std::vector<int>{0, 1, 2}));
}

TEST(ArrayPlan, LayersAreCutInRowAndOutputBlocksInOrder) {
  // 785 rows (784 pixels + a bias row) × 10 outputs and 300 × 100 on 128 × 128 arrays:
  // layer 0: ceil(785/128) = 7 row blocks × ceil(10/64) = 1 output block;
  // layer 1: ceil(300/128) = 3 × ceil(100/64) = 2, numbered (r, c) row-major.
  const ArrayPlan p = plan_arrays({{785, 10}, {300, 100}}, 128, 128);
  ASSERT_EQ(p.arrays.size(), 7u + 6u);
  EXPECT_EQ(p.n_arrays(0), 7);
  EXPECT_EQ(p.n_arrays(1), 6);
  const ArrayTile& last0 = p.arrays[6];
  EXPECT_EQ(last0.row_block, 6);
  EXPECT_EQ(last0.row_begin, 768);
  EXPECT_EQ(last0.rows_used, 17);
  EXPECT_EQ(last0.outputs_used, 10);
  EXPECT_EQ(last0.cells_used(), 2u * 17u * 10u);
  const ArrayTile& t = p.arrays[7 + 3];  // layer 1, row block 1, output block 1
  EXPECT_EQ(t.layer, 1);
  EXPECT_EQ(t.row_block, 1);
  EXPECT_EQ(t.output_block, 1);
  EXPECT_EQ(t.row_begin, 128);
  EXPECT_EQ(t.output_begin, 64);
  EXPECT_EQ(t.outputs_used, 36);
  // Keys: every array's cells follow all earlier arrays' physical cells, unused included.
  for (std::size_t k = 0; k < p.arrays.size(); ++k) {
    EXPECT_EQ(p.arrays[k].cell_offset, 128u * 128u * k);
  }
  EXPECT_EQ(p.total_cells, 13u * 128u * 128u);
}

TEST(ArrayPlan, BadArraySizesNameTheOption) {
  EXPECT_EQ(user_error([] { validate_array_size(128, 127); }),
            "--array-cols 127: must be even, each output needs a positive and a negative column");
  EXPECT_NE(user_error([] { validate_array_size(128, 1); }).find("at least 1 x 2"),
            std::string::npos);
  EXPECT_NE(user_error([] { validate_array_size(-1, 2); }).find("--array-rows -1"),
            std::string::npos);
  EXPECT_NE(user_error([] { validate_array_size(4, -2); }).find("--array-cols -2"),
            std::string::npos);
  EXPECT_EQ(user_error([] { validate_array_size(1, 2); }), "");
  EXPECT_EQ(user_error([] { validate_array_size(0, 0); }), "");
}

// Every array's used cells, put back at (row_begin + i, output_begin + j′), give the
// layer's logical G_target; every other cell of an array is at level 0 (g_min).
void expect_arrays_reassemble(Layout layout) {
  MappingParams p = kSeed;
  p.layout = layout;
  const MatrixD w = ramp(7, 10, 0.9);
  const std::vector<double> bias = {0.1, -0.2, 0.3, 0.05, -0.6, 0.2, 0.0};
  const LayerMapping m = map_network_layer(w, bias, BiasMode::kRow, p);  // 11 rows × 7 outputs
  const ArrayPlan plan = plan_arrays({{m.rows(), m.n_out}}, 4, 6);       // 3 × 3 arrays
  ASSERT_EQ(plan.arrays.size(), 9u);
  std::vector<double> back(m.g_target_s.size(), -1.0);
  for (const ArrayTile& t : plan.arrays) {
    const std::vector<double> g = array_g_target(t, m.g_target_s, m.n_out, p);
    const std::vector<int> levels = array_levels(t, m.levels_pos, m.levels_neg, m.n_out, layout);
    ASSERT_EQ(g.size(), 24u);
    ASSERT_EQ(levels.size(), 24u);
    int at_g_min = 0;
    for (int i = 0; i < t.rows; ++i) {
      for (int c = 0; c < t.cols; ++c) {
        const int jl = layout == Layout::kInterleaved ? c / 2 : c % t.outputs();
        const bool neg = layout == Layout::kInterleaved ? c % 2 == 1 : c >= t.outputs();
        const double v = g[static_cast<std::size_t>(i) * t.cols + c];
        const int level = levels[static_cast<std::size_t>(i) * t.cols + c];
        if (i < t.rows_used && jl < t.outputs_used) {
          const int row = t.row_begin + i, j = t.output_begin + jl;
          back[static_cast<std::size_t>(row) * 14 + 2 * static_cast<std::size_t>(j) +
               (neg ? 1 : 0)] = v;
          EXPECT_EQ(level, neg ? m.level_neg(row, j) : m.level_pos(row, j));
        } else {
          EXPECT_EQ(v, p.g_min_s());
          EXPECT_EQ(level, 0);
          ++at_g_min;
        }
      }
    }
    EXPECT_EQ(static_cast<std::uint64_t>(at_g_min), t.cells() - t.cells_used());
  }
  EXPECT_EQ(back, m.g_target_s);
}

TEST(ArrayPlan, InterleavedArraysReassembleIntoTheLayersTargets) {
  expect_arrays_reassemble(Layout::kInterleaved);
}

TEST(ArrayPlan, BlockedArraysReassembleIntoTheLayersTargets) {
  expect_arrays_reassemble(Layout::kBlocked);
}

TEST(ArrayPlan, OneArrayOfTheLayersSizeIsTheSeedsChip) {
  const MatrixD w = ramp(10, 64, 0.5);
  for (Layout layout : {Layout::kInterleaved, Layout::kBlocked}) {
    MappingParams p = kSeed;
    p.layout = layout;
    const LayerMapping m = map_network_layer(w, {}, BiasMode::kDigital, p);
    const std::vector<double> g = single_array_g_target(m.g_target_s, 64, 10, p);
    const MappedLayer seed = map_layer(w, p);
    EXPECT_EQ(g, seed.g_target_s);
    // Blocked, by hand: column j positive, 10 + j negative (the RTL's 0–9, 10–19).
    const LevelTable t = make_level_table(p);
    if (layout == Layout::kBlocked) {
      EXPECT_EQ(g[3 * 20 + 4], t.g_s[m.level_pos(3, 4)]);
      EXPECT_EQ(g[3 * 20 + 14], t.g_s[m.level_neg(3, 4)]);
    }
  }
}

}  // namespace
}  // namespace xbarmc
