#include "chip_kernels.cuh"
#include "cuda_check.cuh"
#include "xbarmc/chip.hpp"
#include "xbarmc/drift.hpp"
#include "xbarmc/irdrop.hpp"

namespace xbarmc::cuda {
namespace {

constexpr int kThreads = 256;

// One thread per (chip, cell): program_cell once, then G at every slot's time.
__global__ void program_and_drift_kernel(DeviceInputs in, DeviceBatch b) {
  const int n_cells = in.n_in * in.n_cols;
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(b.n_chips) * n_cells) return;
  const int c = static_cast<int>(tid / n_cells);
  const int cell = static_cast<int>(tid % n_cells);
  const std::uint32_t chip = b.chip_begin + static_cast<std::uint32_t>(c);
  const double d2d = d2d_factor(in.device, in.seed, chip);
  const ProgrammedCell pc =
      program_cell(in.device, in.g_target_s[cell], d2d, in.g_min_s, in.g_max_s, in.seed, chip,
                   static_cast<std::uint32_t>(cell));
  for (int s = 0; s < b.n_slots; ++s) {
    const double t_s = s < in.n_times ? in.times_s[s] : in.device.t0_s;
    b.g_s[(static_cast<std::size_t>(c) * b.n_slots + s) * n_cells + cell] =
        drifted_conductance(in.device, pc, t_s);
  }
}

// One thread per (chip, slot): the network solve of irdrop.hpp, in double, with its
// scratch in global memory.
__global__ void a_eff_kernel(DeviceInputs in, DeviceBatch b) {
  const int tid = blockIdx.x * blockDim.x + threadIdx.x;
  if (tid >= b.n_chips * b.n_slots) return;
  const std::size_t n_cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  compute_a_eff(in.device.ir_drop, b.g_s + tid * n_cells, in.n_in, in.n_cols, in.device.r_wl_ohm,
                in.device.r_bl_ohm, b.scratch + tid * b.scratch_per, b.a_eff_s + tid * n_cells);
}

// One thread per (chip, slot): Σ_ij A_eff in index order, as the host's sum_of, so the
// gain is the same double on both backends.
__global__ void sum_kernel(DeviceInputs in, DeviceBatch b) {
  const int tid = blockIdx.x * blockDim.x + threadIdx.x;
  if (tid >= b.n_chips * b.n_slots) return;
  const int n_cells = in.n_in * in.n_cols;
  const double* a = b.a_eff_s + static_cast<std::size_t>(tid) * n_cells;
  double s = 0.0;
  for (int e = 0; e < n_cells; ++e) s += a[e];
  b.sums[tid] = s;
}

// One thread per (chip, time, row, pair): a = (float)(V_read·A_eff/unit) of output
// pair p's two columns and a·a when the layout holds squares (chip_instance.cpp's
// make_read_matrix), in the inference kernel's pair layout (ReadLayout); padding pairs
// are zeros. The gain comes from the t0 and t sums (1 without compensation).
__global__ void read_matrix_kernel(DeviceInputs in, DeviceBatch b, double unit) {
  const ReadLayout& r = in.read;
  const long long tid = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid >= static_cast<long long>(b.n_chips) * in.n_times * in.n_in * r.pairs) return;
  const int p = static_cast<int>(tid % r.pairs);
  const long long row = tid / r.pairs;  // (chip·n_times + time)·n_in + i
  const int i = static_cast<int>(row % in.n_in);
  const long long ct = row / in.n_in;  // chip·n_times + time
  const int c = static_cast<int>(ct / in.n_times);
  const int k = static_cast<int>(ct % in.n_times);
  const std::size_t slot = static_cast<std::size_t>(c) * b.n_slots + k;
  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  float a_pos = 0.0f, a_neg = 0.0f;
  if (p < in.n_out) {
    const double* a_eff = b.a_eff_s + slot * cells + static_cast<std::size_t>(i) * in.n_cols;
    const double v = in.readout.v_read_v;
    a_pos = static_cast<float>(v * a_eff[column_pos(in.layout, p, in.n_out)] / unit);
    a_neg = static_cast<float>(v * a_eff[column_neg(in.layout, p, in.n_out)] / unit);
  }
  float* out = b.a + static_cast<std::size_t>(row) * r.row_floats() +
               static_cast<std::size_t>(p) * r.pair_floats();
  out[0] = a_pos;
  out[1] = a_neg;
  if (r.squares) {
    out[2] = a_pos * a_pos;
    out[3] = a_neg * a_neg;
  }
  if (i == 0 && p == 0) {
    const double gain =
        in.device.drift_compensation
            ? compensation_gain(b.sums[static_cast<std::size_t>(c) * b.n_slots + in.n_times],
                                b.sums[slot])
            : 1.0;
    b.gain[ct] = static_cast<float>(gain);
  }
}

unsigned blocks_for(long long n) {
  return static_cast<unsigned>((n + kThreads - 1) / kThreads);
}

}  // namespace

bool has_ir_drop(const DeviceParams& d) {
  return d.ir_drop != IrDropModel::kNone && !(d.r_wl_ohm == 0.0 && d.r_bl_ohm == 0.0);
}

std::size_t chip_scratch_doubles(const DeviceInputs& in) {
  return has_ir_drop(in.device) ? a_eff_scratch_doubles(in.device.ir_drop, in.n_in, in.n_cols) : 0;
}

void launch_chip_matrices(const DeviceInputs& in, const DeviceBatch& b) {
  const long long n_cells = static_cast<long long>(in.n_in) * in.n_cols;
  const long long chip_slots = static_cast<long long>(b.n_chips) * b.n_slots;
  program_and_drift_kernel<<<blocks_for(b.n_chips * n_cells), kThreads>>>(in, b);
  XBARMC_CUDA_CHECK_LAUNCH(program_and_drift_kernel);
  if (has_ir_drop(in.device)) {
    // One solver per thread: small blocks spread the long serial solves over all SMs.
    constexpr int kSolverThreads = 32;
    a_eff_kernel<<<static_cast<unsigned>((chip_slots + kSolverThreads - 1) / kSolverThreads),
                   kSolverThreads>>>(in, b);
    XBARMC_CUDA_CHECK_LAUNCH(a_eff_kernel);
  }  // else a_eff_s aliases g_s: compute_a_eff's `none` is a copy
  if (in.device.drift_compensation) {
    sum_kernel<<<blocks_for(chip_slots), kThreads>>>(in, b);
    XBARMC_CUDA_CHECK_LAUNCH(sum_kernel);
  }
  const double unit = code_unit_a(in.readout);
  read_matrix_kernel<<<blocks_for(static_cast<long long>(b.n_chips) * in.n_times * in.n_in *
                                  in.read.pairs),
                       kThreads>>>(in, b, unit);
  XBARMC_CUDA_CHECK_LAUNCH(read_matrix_kernel);
}

}  // namespace xbarmc::cuda
