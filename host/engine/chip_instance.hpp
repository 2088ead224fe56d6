// Building one chip instance on the host: programmed cells from the model headers
// (chip.hpp), conductances at a time (drift.hpp), the effective transfer matrix
// A_eff (IR-drop) and its working-precision form a_ij, a2_ij (readout.hpp's units).
// Shared by every engine so that the chip, not the engine, defines the physics.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/engine.hpp"
#include "xbarmc/chip.hpp"

namespace xbarmc {

// chip.hpp's cell_draws of the cells with keys [first_key, first_key + n) of chip `chip`
// into out[0..n), drawn four keys per Philox block (the same values).
void draw_cells(const DeviceParams& p, std::uint64_t seed, std::uint32_t chip,
                std::uint32_t first_key, std::size_t n, CellDraws* out);

// A measured table's statistics per level and the level of each cell (cell_level[k] for
// cell k of a call); empty per_level: the scalars of DeviceParams for every cell.
struct LevelStatistics {
  const std::vector<LevelDevice>& per_level;
  const int* cell_level = nullptr;
  LevelStatistics() : per_level(none()) {}
  LevelStatistics(const std::vector<LevelDevice>& levels, const int* cells)
      : per_level(levels), cell_level(cells) {}
  static const std::vector<LevelDevice>& none() {
    static const std::vector<LevelDevice> empty;
    return empty;
  }
};

// Write-verify over the non-stuck cells programmed (DESIGN §2.8).
struct VerifyTally {
  std::uint64_t pulses = 0, failures = 0, cells = 0;
};

// chip.hpp's program_level_cell of n cells with targets g_target_s[0..n), keys first_key
// + k, the whole-array factor `factor` (D2D, A2A) and their level statistics; with
// p.verify the outcomes are added to `verify` (may be null). `draws` is scratch.
void program_cells(const DeviceParams& p, const double* g_target_s, std::size_t n, double factor,
                   double g_min_s, double g_max_s, std::uint64_t seed, std::uint32_t chip,
                   std::uint32_t first_key, std::vector<CellDraws>& draws,
                   std::vector<ProgrammedCell>& cells, const LevelStatistics& levels,
                   VerifyTally* verify = nullptr);

// All cells of chip `chip`, row-major [n_in × n_cols].
void program_chip(const StudyInputs& in, std::uint32_t chip, std::vector<ProgrammedCell>& cells);

// G(t) of every cell, in S.
void conductances_at(const StudyInputs& in, const std::vector<ProgrammedCell>& cells, double t_s,
                     std::vector<double>& g_s);

// A_eff from G for the configured IR-drop model (irdrop.hpp; none: A_eff = G).
// `scratch` is the solver's work space, grown as needed and reused across chips.
void effective_transfer(const StudyInputs& in, const std::vector<double>& g_s,
                        std::vector<double>& scratch, std::vector<double>& a_eff_s);

double sum_of(const std::vector<double>& v);

// The layout of a read matrix's rows, the one the inference path reads (InferenceSetup):
//   kA        row i = a_i· padded to `stride` floats (a multiple of 8, zeros);
//   kAA2      row i = a_i· then a2_i·, each padded to `stride` (2·stride floats, one
//             contiguous stream for wide SIMD);
//   kPacked   row i = a_i· (n_cols) then a2_i· (n_cols), padded as a whole to
//             padded_stride(2·n_cols): [current | square] without padding between.
enum class MatrixLayout { kA, kAA2, kPacked };

// The read matrix of one chip at one time in working precision, in one layout: a_ij =
// (float)(V_read·A_ij / unit), a2_ij = a_ij·a_ij, plus the digital compensation gain (1
// when off). Rows of zeros follow from n_in through 64 at least (padding for
// simd::AccumulateStepsFn).
struct ReadMatrix {
  int n_in = 0;
  int n_cols = 0;
  int stride = 0;
  MatrixLayout layout = MatrixLayout::kA;
  int row_floats = 0;       // floats per row of `rows`
  std::vector<float> rows;  // (n_in + padding) × row_floats
  float gain = 1.0f;

  float a(int i, int c) const { return rows[static_cast<std::size_t>(i) * row_floats + c]; }
  // a2_ic where the layout holds it (kAA2, kPacked).
  float a2(int i, int c) const {
    return rows[static_cast<std::size_t>(i) * row_floats +
                (layout == MatrixLayout::kAA2 ? stride : n_cols) + c];
  }
};

int padded_stride(int n_cols);
void make_read_matrix(const StudyInputs& in, const std::vector<double>& a_eff_s, double gain,
                      MatrixLayout layout, ReadMatrix& m);

// Everything above for one chip at every time of the study: matrices[k] is time k.
// Scratch vectors are reused, so calling this per chip allocates only on growth.
struct ChipScratch {
  std::vector<CellDraws> draws;
  std::vector<ProgrammedCell> cells;
  std::vector<double> g_s;
  std::vector<double> a_eff_s;
  std::vector<double> ir_scratch;
};
void build_chip_matrices(const StudyInputs& in, std::uint32_t chip, MatrixLayout layout,
                         ChipScratch& scratch, std::vector<ReadMatrix>& matrices);

}  // namespace xbarmc
