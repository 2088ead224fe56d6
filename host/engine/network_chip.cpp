#include "engine/network_chip.hpp"

#include "xbarmc/drift.hpp"
#include "xbarmc/irdrop.hpp"

namespace xbarmc {
namespace {

// A_eff of one array at time t_s into s.a_eff_s; returns Σ A_eff in index order.
double array_a_eff(const StudyInputs& in, const ArrayPlacement& a,
                   const std::vector<ProgrammedCell>& cells, double t_s, NetworkChipScratch& s) {
  s.g_s.resize(cells.size());
  for (std::size_t k = 0; k < cells.size(); ++k)
    s.g_s[k] = drifted_conductance(in.device, cells[k], t_s);
  const DeviceParams& d = in.device;
  s.ir_scratch.resize(a_eff_scratch_doubles(d.ir_drop, a.rows, a.cols));
  s.a_eff_s.resize(cells.size());
  compute_a_eff(d.ir_drop, s.g_s.data(), a.rows, a.cols, d.r_wl_ohm, d.r_bl_ohm,
                s.ir_scratch.data(), s.a_eff_s.data());
  return sum_of(s.a_eff_s);
}

}  // namespace

void program_network_chip(const StudyInputs& in, const Network& net, std::uint32_t chip,
                          NetworkChipScratch& s, NetworkChip& out) {
  const DeviceParams& d = in.device;
  const double d2d = d2d_factor(d, in.seed, chip);
  const double g_min = in.mapping.g_min_s(), g_max = in.mapping.g_max_s();
  const std::size_t n_arrays = net.arrays.size();
  out.chip = chip;
  out.verify = VerifyTally{};
  out.cells.resize(n_arrays);
  out.sum_t0.assign(n_arrays, 0.0);
  for (std::size_t k = 0; k < n_arrays; ++k) {
    const ArrayPlacement& a = net.arrays[k];
    const double factor =
        array_factor(d2d, a2a_factor(d, in.seed, chip, static_cast<std::uint32_t>(k)));
    const std::vector<double>& g = net.array_g_target[k];
    const LevelStatistics levels =
        net.level_device.empty() ? LevelStatistics{}
                                 : LevelStatistics(net.level_device, net.array_levels[k].data());
    program_cells(d, g.data(), g.size(), factor, g_min, g_max, in.seed, chip, a.cell_offset,
                  s.draws, out.cells[k], levels, &out.verify);
    if (d.drift_compensation) out.sum_t0[k] = array_a_eff(in, a, out.cells[k], d.t0_s, s);
  }
}

void read_array_at(const StudyInputs& in, const Network& net, const NetworkChip& chip, int array,
                   double t_s, NetworkChipScratch& s, ArrayRead& out) {
  const auto k = static_cast<std::size_t>(array);
  const ArrayPlacement& a = net.arrays[k];
  const NetworkLayer& layer = net.layers[static_cast<std::size_t>(a.layer)];
  const double sum_t = array_a_eff(in, a, chip.cells[k], t_s, s);
  out.a.resize(s.a_eff_s.size());
  for (std::size_t e = 0; e < s.a_eff_s.size(); ++e) {
    out.a[e] = read_matrix_entry(in.readout.v_read_v, s.a_eff_s[e], layer.unit_a);
  }
  out.b.clear();
  if (net.level_read_sigma) {  // the noise sums' b = σ_k·a of each cell's level
    out.b.resize(s.a_eff_s.size());
    const std::vector<int>& level = net.array_levels[k];
    for (std::size_t e = 0; e < s.a_eff_s.size(); ++e) {
      out.b[e] = noise_matrix_entry(in.readout.v_read_v,
                                    net.level_device[static_cast<std::size_t>(level[e])].read_sigma,
                                    s.a_eff_s[e], layer.unit_a);
    }
  }
  out.gain = in.device.drift_compensation
                 ? static_cast<float>(compensation_gain(chip.sum_t0[k], sum_t))
                 : 1.0f;
}

VerifyTally build_network_chip(const StudyInputs& in, const Network& net, std::uint32_t chip,
                               NetworkChipScratch& s, std::vector<std::vector<ArrayRead>>& reads) {
  NetworkChip programmed;
  program_network_chip(in, net, chip, s, programmed);
  reads.resize(in.times_s.size());
  for (std::size_t t = 0; t < in.times_s.size(); ++t) {
    reads[t].resize(net.arrays.size());
    for (std::size_t k = 0; k < net.arrays.size(); ++k) {
      read_array_at(in, net, programmed, static_cast<int>(k), in.times_s[t], s, reads[t][k]);
    }
  }
  return programmed.verify;
}

}  // namespace xbarmc
