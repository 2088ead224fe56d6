#include "engine/chip_instance.hpp"

#include <algorithm>

#include "xbarmc/drift.hpp"
#include "xbarmc/irdrop.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {

void draw_cells(const DeviceParams& p, std::uint64_t seed, std::uint32_t chip,
                std::uint32_t first_key, std::size_t n, CellDraws* out) {
  // chip.hpp's cell_draws for keys [first_key, first_key + n), four keys per Philox
  // block: one block gives the stuck uniforms of four cells, and one block and two
  // Box–Muller pairs the normals of four cells of each stream, where
  // stream_uniform_double and stream_normal_double compute the block (and pair) for each
  // cell in turn (the same values).
  const bool stuck = p.p_stuck_off > 0.0 || p.p_stuck_on > 0.0;
  const Stream s_stuck = make_stream(seed, Purpose::kStuckCell, chip);
  const Stream s_c2c = make_stream(seed, Purpose::kCellProgram, chip);
  const Stream s_nu = make_stream(seed, Purpose::kDriftNu, chip);
  const Stream s_spread = make_stream(seed, Purpose::kDriftSpread, chip);
  auto normals4 = [](const Stream& s, std::uint32_t block, double* z) {
    const U32x4 b = stream_block(s, block);
    normal2_double(b.x, b.y, &z[0], &z[1]);
    normal2_double(b.z, b.w, &z[2], &z[3]);
  };
  const std::uint64_t end = first_key + static_cast<std::uint64_t>(n);
  for (std::uint64_t key0 = first_key / 4 * 4; key0 < end; key0 += 4) {
    const auto block = static_cast<std::uint32_t>(key0 / 4);
    double u[4] = {}, xi[4] = {}, nu[4] = {}, zeta[4] = {};
    if (stuck) {
      const U32x4 b = stream_block(s_stuck, block);
      const std::uint32_t words[4] = {b.x, b.y, b.z, b.w};
      for (int q = 0; q < 4; ++q) u[q] = uniform_double(words[q]);
    }
    if (p.c2c_sigma != 0.0) normals4(s_c2c, block, xi);
    if (p.nu_std != 0.0) normals4(s_nu, block, nu);
    if (p.drift_spread != 0.0) normals4(s_spread, block, zeta);
    for (std::uint64_t q = 0; q < 4; ++q) {
      const std::uint64_t key = key0 + q;
      if (key < first_key || key >= end) continue;
      out[key - first_key] = CellDraws{u[q], xi[q], nu[q], zeta[q]};
    }
  }
}

void program_cells(const DeviceParams& p, const double* g_target_s, std::size_t n, double factor,
                   double g_min_s, double g_max_s, std::uint64_t seed, std::uint32_t chip,
                   std::uint32_t first_key, std::vector<CellDraws>& draws,
                   std::vector<ProgrammedCell>& cells, const LevelStatistics& levels,
                   VerifyTally* verify) {
  draws.resize(n);
  cells.resize(n);
  // The draws a level may need: a C2C normal when any level has a C2C σ, and so on.
  DeviceParams drawn = p;
  for (const LevelDevice& d : levels.per_level) {
    drawn.c2c_sigma = drawn.c2c_sigma != 0.0 || d.c2c_sigma != 0.0 ? 1.0 : 0.0;
    drawn.nu_std = drawn.nu_std != 0.0 || d.nu_std != 0.0 ? 1.0 : 0.0;
  }
  draw_cells(drawn, seed, chip, first_key, n, draws.data());
  if (levels.per_level.empty() && !p.verify) {  // the one-layer chip
    for (std::size_t k = 0; k < n; ++k) {
      cells[k] = program_cell_from_draws(p, g_target_s[k], factor, g_min_s, g_max_s, draws[k]);
    }
    return;
  }
  const LevelDevice scalar = scalar_level_device(p);
  for (std::size_t k = 0; k < n; ++k) {
    const LevelDevice& st = levels.per_level.empty()
                                ? scalar
                                : levels.per_level[static_cast<std::size_t>(levels.cell_level[k])];
    VerifyOutcome v;
    cells[k] = program_level_cell(p, st, g_target_s[k], factor, g_min_s, g_max_s, draws[k], seed,
                                  chip, first_key + static_cast<std::uint32_t>(k), &v);
    if (verify && p.verify && !cells[k].stuck) {
      verify->pulses += static_cast<std::uint64_t>(v.pulses);
      verify->failures += v.failed ? 1u : 0u;
      ++verify->cells;
    }
  }
}

void program_chip(const StudyInputs& in, std::uint32_t chip, std::vector<ProgrammedCell>& cells) {
  std::vector<CellDraws> draws;
  program_cells(in.device, in.g_target_s.data(), in.g_target_s.size(),
                d2d_factor(in.device, in.seed, chip), in.mapping.g_min_s(), in.mapping.g_max_s(),
                in.seed, chip, 0, draws, cells, LevelStatistics{});
}

void conductances_at(const StudyInputs& in, const std::vector<ProgrammedCell>& cells, double t_s,
                     std::vector<double>& g_s) {
  g_s.resize(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i)
    g_s[i] = drifted_conductance(in.device, cells[i], t_s);
}

void effective_transfer(const StudyInputs& in, const std::vector<double>& g_s,
                        std::vector<double>& scratch, std::vector<double>& a_eff_s) {
  const DeviceParams& d = in.device;
  scratch.resize(a_eff_scratch_doubles(d.ir_drop, in.n_in, in.n_cols()));
  a_eff_s.resize(g_s.size());
  compute_a_eff(d.ir_drop, g_s.data(), in.n_in, in.n_cols(), d.r_wl_ohm, d.r_bl_ohm, scratch.data(),
                a_eff_s.data());
}

double sum_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

int padded_stride(int n_cols) {
  return (n_cols + 7) / 8 * 8;
}

void make_read_matrix(const StudyInputs& in, const std::vector<double>& a_eff_s, double gain,
                      MatrixLayout layout, ReadMatrix& m) {
  m.n_in = in.n_in;
  m.n_cols = in.n_cols();
  m.stride = padded_stride(m.n_cols);
  m.layout = layout;
  m.row_floats = layout == MatrixLayout::kA     ? m.stride
                 : layout == MatrixLayout::kAA2 ? 2 * m.stride
                                                : padded_stride(2 * m.n_cols);
  // a2 of row i at offset `square` in it (none in kA).
  const int square = layout == MatrixLayout::kAA2 ? m.stride : m.n_cols;
  // Rows of zeros up to row 64 at least (simd::AccumulateStepsFn).
  const auto padded_rows = static_cast<std::size_t>(std::max(m.n_in + 1, 65));
  m.rows.assign(padded_rows * m.row_floats, 0.0f);
  const double unit = code_unit_a(in.readout);
  const double v_read = in.readout.v_read_v;
  for (int i = 0; i < m.n_in; ++i) {
    float* row = m.rows.data() + static_cast<std::size_t>(i) * m.row_floats;
    for (int c = 0; c < m.n_cols; ++c) {
      const float a =
          read_matrix_entry(v_read, a_eff_s[static_cast<std::size_t>(i) * m.n_cols + c], unit);
      row[c] = a;
      if (layout != MatrixLayout::kA) row[square + c] = a * a;
    }
  }
  m.gain = static_cast<float>(gain);
}

void build_chip_matrices(const StudyInputs& in, std::uint32_t chip, MatrixLayout layout,
                         ChipScratch& s, std::vector<ReadMatrix>& matrices) {
  program_cells(in.device, in.g_target_s.data(), in.g_target_s.size(),
                d2d_factor(in.device, in.seed, chip), in.mapping.g_min_s(), in.mapping.g_max_s(),
                in.seed, chip, 0, s.draws, s.cells, LevelStatistics{});
  matrices.resize(in.times_s.size());
  double sum_t0 = 0.0;
  if (in.device.drift_compensation) {
    conductances_at(in, s.cells, in.device.t0_s, s.g_s);
    effective_transfer(in, s.g_s, s.ir_scratch, s.a_eff_s);
    sum_t0 = sum_of(s.a_eff_s);
  }
  for (std::size_t k = 0; k < in.times_s.size(); ++k) {
    conductances_at(in, s.cells, in.times_s[k], s.g_s);
    effective_transfer(in, s.g_s, s.ir_scratch, s.a_eff_s);
    const double gain =
        in.device.drift_compensation ? compensation_gain(sum_t0, sum_of(s.a_eff_s)) : 1.0;
    make_read_matrix(in, s.a_eff_s, gain, layout, matrices[k]);
  }
}

}  // namespace xbarmc
