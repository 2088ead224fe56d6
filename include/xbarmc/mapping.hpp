// Weight → conductance mapping (DESIGN §2.3, seed §1): a signed weight is split
// over a positive and a negative column, normalised by the layer's shared_max and
// snapped to the nearest of L = 2^bits device conductance levels.
#pragma once

#include <cstdint>

#include "xbarmc/detail/portable_math.hpp"
#include "xbarmc/hd.hpp"

namespace xbarmc {

enum class Spacing : std::uint8_t { kLog, kLinear };
enum class Layout : std::uint8_t { kInterleaved, kBlocked };
// Where a layer's bias lives on the chip (DESIGN §2.7): added in digital after the ADC
// (kDigital, shared_max = max|W|), or one extra input row driven at V_read every step
// (kRow, shared_max = max(max|W|, max|b|)).
enum class BiasMode : std::uint8_t { kDigital, kRow };

constexpr int kMaxWeightBits = 8;
constexpr int kMaxLevels = 1 << kMaxWeightBits;

struct MappingParams {
  int weight_bits = 4;
  double r_on_ohm = 2.34e8;
  double r_off_ohm = 4.18e11;
  Spacing spacing = Spacing::kLog;
  Layout layout = Layout::kInterleaved;
  // A measured level table (DESIGN §2.8, --device-table): when table_levels > 0 (then
  // 2^weight_bits), level k's conductance is table_g_s[k], and g_min and g_max are the
  // table's first and last; R_on, R_off and the spacing no longer enter.
  int table_levels = 0;
  double table_g_s[kMaxLevels] = {};

  XBARMC_HD double g_min_s() const { return table_levels ? table_g_s[0] : 1.0 / r_off_ohm; }
  XBARMC_HD double g_max_s() const {
    return table_levels ? table_g_s[table_levels - 1] : 1.0 / r_on_ohm;
  }
  XBARMC_HD int n_levels() const { return 1 << weight_bits; }
};

// G_k: log spacing g_min·(g_max/g_min)^(k/(L−1)); linear g_min + (g_max−g_min)·k/(L−1).
// With L = 2 (1 bit) both give {g_min, g_max}. A measured table gives its own values.
XBARMC_HD double level_conductance(const MappingParams& p, int k) {
  if (p.table_levels)
    return p.table_g_s[k < 0 ? 0 : (k >= p.table_levels ? p.table_levels - 1 : k)];
  const double g_min = p.g_min_s();
  const double g_max = p.g_max_s();
  const int top = p.n_levels() - 1;
  if (k <= 0) return g_min;
  if (k >= top) return g_max;
  const double frac = static_cast<double>(k) / top;
  if (p.spacing == Spacing::kLinear) return g_min + (g_max - g_min) * frac;
  return g_min * detail::portable_exp(frac * detail::portable_log(g_max / g_min));
}

// A level table: G_k for k = 0..L−1 and G_k/g_max, the normalised value that
// n = |W|/shared_max is compared with.
struct LevelTable {
  int n_levels = 0;
  double g_s[kMaxLevels];
  double normalised[kMaxLevels];
};

XBARMC_HD LevelTable make_level_table(const MappingParams& p) {
  LevelTable t{};
  t.n_levels = p.n_levels();
  const double g_max = p.g_max_s();
  for (int k = 0; k < t.n_levels; ++k) {
    t.g_s[k] = level_conductance(p, k);
    t.normalised[k] = t.g_s[k] / g_max;
  }
  return t;
}

// k = argmin_k |n − G_k/g_max|, ties to the lower k.
XBARMC_HD int nearest_level(const LevelTable& t, double n) {
  // The other column of every nonzero weight: all levels lie above 0 and increase, so
  // level 0 is nearest (the scan below gives the same; QAT maps every mini-batch).
  if (n == 0.0) return 0;
  int best = 0;
  double best_dist = n > t.normalised[0] ? n - t.normalised[0] : t.normalised[0] - n;
  for (int k = 1; k < t.n_levels; ++k) {
    const double d = n > t.normalised[k] ? n - t.normalised[k] : t.normalised[k] - n;
    if (d < best_dist) {
      best = k;
      best_dist = d;
    }
  }
  return best;
}

XBARMC_HD double clamp_conductance(const MappingParams& p, double g) {
  const double lo = p.g_min_s(), hi = p.g_max_s();
  return g < lo ? lo : (g > hi ? hi : g);
}

// Differential levels of one weight: W_pos = max(W,0), W_neg = max(−W,0).
struct CellPair {
  int level_pos, level_neg;
};

XBARMC_HD CellPair map_weight(const LevelTable& t, double w, double shared_max) {
  if (!(shared_max > 0.0)) return CellPair{0, 0};  // all-zero layer: g_min everywhere
  const double n_pos = (w > 0.0 ? w : 0.0) / shared_max;
  const double n_neg = (w < 0.0 ? -w : 0.0) / shared_max;
  return CellPair{nearest_level(t, n_pos), nearest_level(t, n_neg)};
}

// The weight a pair of levels represents: W_q = shared_max·(G_pos − G_neg)/g_max.
XBARMC_HD double dequantized_weight(const LevelTable& t, CellPair c, double shared_max) {
  return shared_max * (t.normalised[c.level_pos] - t.normalised[c.level_neg]);
}

// Physical columns of output j (DESIGN §2.3): interleaved 2j / 2j+1, blocked j / n_out+j.
XBARMC_HD int column_pos(Layout layout, int j, int n_out) {
  (void)n_out;
  return layout == Layout::kInterleaved ? 2 * j : j;
}
XBARMC_HD int column_neg(Layout layout, int j, int n_out) {
  return layout == Layout::kInterleaved ? 2 * j + 1 : n_out + j;
}

}  // namespace xbarmc
