#include <algorithm>

#include "chip_kernels.cuh"
#include "cuda_check.cuh"
#include "xbarmc/chip.hpp"
#include "xbarmc/drift.hpp"
#include "xbarmc/irdrop.hpp"

namespace xbarmc::cuda {
namespace {

constexpr int kThreads = 256;
constexpr std::size_t kSharedG = 48 * 1024;  // G in shared memory up to this (no opt-in)

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

// One thread per (chip, slot): first_order (a closed form, O(cells)) as irdrop.hpp; with
// `only_direct`, nodal for the (chip, slot)s that a_eff_nodal_kernel left to block
// elimination (the host's serial solver, one per thread as 32 per block).
__global__ void a_eff_kernel(DeviceInputs in, DeviceBatch b, bool only_direct) {
  const int tid = blockIdx.x * blockDim.x + threadIdx.x;
  if (tid >= b.n_chips * b.n_slots) return;
  if (only_direct && b.direct_solve[tid] == 0) return;
  const std::size_t n_cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  compute_a_eff(in.device.ir_drop, b.g_s + tid * n_cells, in.n_in, in.n_cols, in.device.r_wl_ohm,
                in.device.r_bl_ohm, b.scratch + tid * b.scratch_per, b.a_eff_s + tid * n_cells);
}

// Scratch of the Jacobi drives interleaved: element e of drive d at base[e·drives + d], so
// the drives of a warp touch consecutive doubles (coalesced).
struct StridedDoubles {
  double* base;
  int stride;
  __device__ double& operator[](int e) const { return base[static_cast<std::size_t>(e) * stride]; }
};

// Drives of the Jacobi path (one per column of the orientation it solves).
__host__ __device__ int jacobi_drives(int n, int m) { return xbarmc::detail::flip_for_jacobi(n, m) ? n : m; }

// nodal, one block per (chip, slot): irdrop_nodal.hpp's choice of path and orientation,
// then on the Jacobi path one thread per drive (xbarmc::detail::jacobi_drive, the host's
// function; drives are independent), G in shared memory when it fits (48 kB), scratch
// interleaved. The (chip, slot)s of the block-elimination path (strongly coupled
// arrays) are marked in direct_solve for a_eff_kernel.
__global__ void a_eff_nodal_kernel(DeviceInputs in, DeviceBatch b) {
  extern __shared__ double g_shared[];
  __shared__ bool s_jacobi;
  __shared__ double s_factor;
  const int n = in.n_in, m = in.n_cols, cells = n * m;
  const std::size_t cs = blockIdx.x;  // chip·n_slots + slot
  const double* g = b.g_s + cs * cells;
  double* a = b.a_eff_s + cs * cells;
  double* scratch = b.scratch + cs * b.scratch_per;
  const double r_wl = in.device.r_wl_ohm, r_bl = in.device.r_bl_ohm;
  if (threadIdx.x == 0) {
    s_jacobi = xbarmc::detail::jacobi_contraction_bound(g, n, m, r_wl, r_bl) <= xbarmc::detail::kJacobiMaxContraction;
  }
  __syncthreads();
  if (threadIdx.x == 0) b.direct_solve[cs] = s_jacobi ? 0u : 1u;
  if (!s_jacobi) return;
  const bool flip = xbarmc::detail::flip_for_jacobi(n, m);
  const int nj = flip ? m : n, mj = flip ? n : m;
  const double rw = flip ? r_bl : r_wl, rb = flip ? r_wl : r_bl;
  double* a_j = flip ? scratch + cells : a;
  double* rest = flip ? scratch + 2 * cells : scratch;
  const bool shared = cells * sizeof(double) <= kSharedG;  // the launch gave it then
  double* g_j = shared ? g_shared : scratch;  // scratch: only when flipped (else g itself)
  for (int e = threadIdx.x; e < cells; e += blockDim.x) {
    const int i = e / m, j = e % m;
    // xbarmc::detail::flip_transpose, element by element: y[m−1−j][n−1−i] = x[i][j].
    if (flip) g_j[(m - 1 - j) * n + (n - 1 - i)] = g[e];
    else if (shared) g_j[e] = g[e];
  }
  const double* gj = flip || shared ? g_j : g;
  __syncthreads();
  if (threadIdx.x == 0) s_factor = xbarmc::detail::jacobi_stop_factor(gj, nj, mj, rw, rb);
  __syncthreads();
  for (int d = threadIdx.x; d < mj; d += blockDim.x) {
    const StridedDoubles c{rest + d, mj}, c_new{rest + static_cast<std::size_t>(cells) * mj + d, mj};
    xbarmc::detail::jacobi_drive(gj, nj, mj, rw, rb, s_factor, d, c, c_new, a_j);
  }
  if (!flip) return;
  __syncthreads();
  for (int e = threadIdx.x; e < cells; e += blockDim.x) {
    const int i = e / n, j = e % n;  // a_j is m × n: back to n × m
    a[(n - 1 - j) * m + (m - 1 - i)] = a_j[e];
  }
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
  if (!has_ir_drop(in.device)) return 0;
  const std::size_t host = a_eff_scratch_doubles(in.device.ir_drop, in.n_in, in.n_cols);
  if (in.device.ir_drop != IrDropModel::kNodal) return host;
  // a_eff_nodal_kernel: staging of the flip, then c and c_new of every drive at once.
  const std::size_t cells = static_cast<std::size_t>(in.n_in) * in.n_cols;
  const std::size_t staging = xbarmc::detail::flip_for_jacobi(in.n_in, in.n_cols) ? 2 * cells : 0;
  const std::size_t drives = static_cast<std::size_t>(jacobi_drives(in.n_in, in.n_cols));
  return std::max(host, staging + 2 * cells * drives);
}

void launch_chip_matrices(const DeviceInputs& in, const DeviceBatch& b) {
  const long long n_cells = static_cast<long long>(in.n_in) * in.n_cols;
  const long long chip_slots = static_cast<long long>(b.n_chips) * b.n_slots;
  program_and_drift_kernel<<<blocks_for(b.n_chips * n_cells), kThreads>>>(in, b);
  XBARMC_CUDA_CHECK_LAUNCH(program_and_drift_kernel);
  if (has_ir_drop(in.device) && in.device.ir_drop == IrDropModel::kNodal) {
    const int drives = jacobi_drives(in.n_in, in.n_cols);
    const unsigned threads = static_cast<unsigned>(std::min(128, (drives + 31) / 32 * 32));
    const std::size_t g_bytes = static_cast<std::size_t>(n_cells) * sizeof(double);
    a_eff_nodal_kernel<<<static_cast<unsigned>(chip_slots), threads,
                         g_bytes <= kSharedG ? g_bytes : 0>>>(in, b);
    XBARMC_CUDA_CHECK_LAUNCH(a_eff_nodal_kernel);
  }
  if (has_ir_drop(in.device)) {
    // first_order, or nodal by block elimination where a_eff_nodal_kernel left it.
    constexpr int kSolverThreads = 32;
    a_eff_kernel<<<static_cast<unsigned>((chip_slots + kSolverThreads - 1) / kSolverThreads),
                   kSolverThreads>>>(in, b, in.device.ir_drop == IrDropModel::kNodal);
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
