// One chip instance of a network (DESIGN §2.7), on the host: every physical array
// programmed with its own keys (G_target → D2D → A2A → C2C → stuck, chip.hpp), its
// conductances at each time (drift.hpp), A_eff over the whole physical array
// (irdrop.hpp), the array's drift-compensation gain, and its read matrix in working
// precision (readout.hpp). Shared by the CPU engines.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/chip_instance.hpp"
#include "engine/network.hpp"

namespace xbarmc {

// One array at one time.
struct ArrayRead {
  std::vector<float> a;  // [rows × cols] row-major: read_matrix_entry with its layer's unit
  std::vector<float> b;  // per-level read σ only: noise_matrix_entry (the noise sums' terms)
  float gain = 1.0f;     // digital drift-compensation gain (1 when off)
};

// A programmed chip: every array's cells, and Σ A_eff at t0 per array for compensation.
struct NetworkChip {
  std::uint32_t chip = 0;
  std::vector<std::vector<ProgrammedCell>> cells;  // per array, [rows × cols]
  std::vector<double> sum_t0;                      // per array (compensation only)
  VerifyTally verify;                              // write-verify over its cells
};

struct NetworkChipScratch {
  std::vector<CellDraws> draws;
  std::vector<double> g_s, a_eff_s, ir_scratch;
};

void program_network_chip(const StudyInputs& in, const Network& net, std::uint32_t chip,
                          NetworkChipScratch& scratch, NetworkChip& out);

// Array `array` of a programmed chip at time t_s.
void read_array_at(const StudyInputs& in, const Network& net, const NetworkChip& chip, int array,
                   double t_s, NetworkChipScratch& scratch, ArrayRead& out);

// reads[k][a] = array a of chip `chip` at time k of the study; returns its write-verify.
VerifyTally build_network_chip(const StudyInputs& in, const Network& net, std::uint32_t chip,
                               NetworkChipScratch& scratch,
                               std::vector<std::vector<ArrayRead>>& reads);

}  // namespace xbarmc
