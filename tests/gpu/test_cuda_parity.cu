// The CUDA backend against the host (DESIGN §4): chip sampling, A_eff (all three
// IR-drop models) and read matrices equal the host's, and a whole Monte Carlo run
// equals the CPU engine's per chip, up to a bounded number of float-rounding flips.
// Device tests are skipped without a device; the no-device contract is tested here.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "batch_buffers.cuh"
#include "chip_kernels.cuh"
#include "common/errors.hpp"
#include "cuda_check.cuh"
#include "cuda_engine.hpp"
#include "device_info.hpp"
#include "engine/chip_instance.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/synthetic_workload.hpp"
#include "uploaded_study.cuh"
#include "xbarmc/drift.hpp"
#include "xbarmc/irdrop.hpp"
#include "xbarmc/readout.hpp"

namespace xbarmc {
namespace {

#define XBARMC_REQUIRE_DEVICE() \
  if (cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device"

template <class T>
std::vector<T> to_host(const T* d, std::size_t n) {
  std::vector<T> h(n);
  XBARMC_CUDA_CALL(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
  return h;
}

// A small study with every non-ideality on: D2D, C2C, stuck cells, drift with spread
// and compensation at three times, read noise (relative and absolute).
StudyInputs noisy_study(int n_images, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.n_images = n_images;
  spec.seed = seed;
  StudyInputs in = make_synthetic_study(spec);
  in.device.d2d_sigma = 0.05;
  in.device.c2c_sigma = 0.1;
  in.device.p_stuck_on = 0.005;
  in.device.p_stuck_off = 0.01;
  in.device.nu_mean = 0.02;
  in.device.nu_std = 0.01;
  in.device.drift_spread = 0.01;
  in.device.drift_compensation = true;
  in.device.read_sigma = 0.02;
  in.device.read_sigma_abs_a = 0.05 * code_unit_a(in.readout);
  in.times_s = {1.0, 3600.0, 86400.0 * 30};
  return in;
}

// A device whose wires matter (kΩ cells, DESIGN §2.4), so nodal takes the direct path.
void low_resistance_wires(StudyInputs& in, IrDropModel model) {
  const double scale = 2.34e8 / 2.0e4;  // R_on 234 MΩ → 20 kΩ
  for (double& g : in.g_target_s) g *= scale;
  in.mapping.r_on_ohm /= scale;
  in.mapping.r_off_ohm /= scale;
  in.readout.i_fs_a *= scale;
  in.device.read_sigma_abs_a *= scale;
  in.device.ir_drop = model;
  in.device.r_wl_ohm = 2.0;
  in.device.r_bl_ohm = 2.0;
}

// Host reference of one chip: programming and drift (chip_instance.cpp), A_eff from
// irdrop.hpp, the read matrix of make_read_matrix.
struct HostChip {
  std::vector<std::vector<double>> a_eff;  // per slot
  std::vector<ReadMatrix> m;               // per time
};
HostChip host_chip(const StudyInputs& in, std::uint32_t chip) {
  HostChip h;
  std::vector<ProgrammedCell> cells;
  program_chip(in, chip, cells);
  std::vector<double> times = in.times_s;
  if (in.device.drift_compensation) times.push_back(in.device.t0_s);
  std::vector<double> scratch(a_eff_scratch_doubles(in.device.ir_drop, in.n_in, in.n_cols()) + 1);
  for (double t : times) {
    std::vector<double> g, a(in.g_target_s.size());
    conductances_at(in, cells, t, g);
    compute_a_eff(in.device.ir_drop, g.data(), in.n_in, in.n_cols(), in.device.r_wl_ohm,
                  in.device.r_bl_ohm, scratch.data(), a.data());
    h.a_eff.push_back(a);
  }
  const double sum_t0 = in.device.drift_compensation ? sum_of(h.a_eff.back()) : 0.0;
  for (int k = 0; k < in.n_times(); ++k) {
    ReadMatrix m;
    const double gain =
        in.device.drift_compensation ? compensation_gain(sum_t0, sum_of(h.a_eff[k])) : 1.0;
    make_read_matrix(in, h.a_eff[k], gain, m);
    h.m.push_back(m);
  }
  return h;
}

void expect_chip_matrices_match_host(const StudyInputs& in, std::uint32_t chip_begin, int n_chips) {
  const cuda::UploadedStudy study(in);
  const cuda::DeviceInputs& di = study.view();
  cuda::BatchBuffers buffers(di, static_cast<std::size_t>(n_chips));
  const cuda::DeviceBatch b = buffers.begin_batch(chip_begin, n_chips);
  cuda::launch_chip_matrices(di, b);
  XBARMC_CUDA_CALL(cudaDeviceSynchronize());
  const std::size_t cells = in.g_target_s.size();
  const auto a_eff = to_host(b.a_eff_s, static_cast<std::size_t>(n_chips) * b.n_slots * cells);
  const auto a = to_host(b.a, static_cast<std::size_t>(n_chips) * in.n_times() * cells);
  const auto a2 = to_host(b.a2, a.size());
  const auto gain = to_host(b.gain, static_cast<std::size_t>(n_chips) * in.n_times());
  for (int c = 0; c < n_chips; ++c) {
    const HostChip h = host_chip(in, chip_begin + static_cast<std::uint32_t>(c));
    for (int s = 0; s < b.n_slots; ++s) {
      for (std::size_t e = 0; e < cells; ++e) {
        // --fmad=false and -ffp-contract=off: the same double operations, the same bits.
        ASSERT_EQ(a_eff[(static_cast<std::size_t>(c) * b.n_slots + s) * cells + e], h.a_eff[s][e])
            << "chip " << c << " slot " << s << " cell " << e;
      }
    }
    for (int k = 0; k < in.n_times(); ++k) {
      const ReadMatrix& m = h.m[k];
      ASSERT_EQ(gain[static_cast<std::size_t>(c) * in.n_times() + k], m.gain) << "chip " << c;
      for (int i = 0; i < in.n_in; ++i) {
        for (int col = 0; col < in.n_cols(); ++col) {
          const std::size_t d = (static_cast<std::size_t>(c) * in.n_times() + k) * cells +
                                static_cast<std::size_t>(i) * in.n_cols() + col;
          const std::size_t hidx = static_cast<std::size_t>(i) * m.stride + col;
          ASSERT_EQ(a[d], m.a[hidx])
              << "chip " << c << " time " << k << " cell " << i << "," << col;
          ASSERT_EQ(a2[d], m.a2[hidx])
              << "chip " << c << " time " << k << " cell " << i << "," << col;
        }
      }
    }
  }
}

TEST(CudaParity, ChipSamplingAndReadMatricesEqualHost) {
  XBARMC_REQUIRE_DEVICE();
  expect_chip_matrices_match_host(noisy_study(8, 11), 1000, 16);
}

TEST(CudaParity, FirstOrderAEffEqualsHost) {
  XBARMC_REQUIRE_DEVICE();
  StudyInputs in = noisy_study(8, 12);
  low_resistance_wires(in, IrDropModel::kFirstOrder);
  expect_chip_matrices_match_host(in, 0, 8);
}

TEST(CudaParity, NodalAEffEqualsHostOnBothSolverPaths) {
  XBARMC_REQUIRE_DEVICE();
  StudyInputs weak = noisy_study(8, 13);  // seed device: Jacobi path
  weak.device.ir_drop = IrDropModel::kNodal;
  expect_chip_matrices_match_host(weak, 0, 8);
  StudyInputs strong = noisy_study(8, 13);  // kΩ device: block elimination
  low_resistance_wires(strong, IrDropModel::kNodal);
  expect_chip_matrices_match_host(strong, 0, 8);
}

// Per (time, chip): correct and no-spike counts may differ only by rare flips, where a
// float rounding difference moves one ADC code and changes one prediction.
struct FlipBound {
  std::uint32_t max_per_entry = 2;
  double max_entry_fraction = 0.02;
};
void expect_engines_agree(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                          FlipBound bound = {}) {
  CpuEngine cpu;
  std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0);
  ChipBatchResult want, got;
  cpu.run(in, chip_begin, chip_end, want);
  gpu->run(in, chip_begin, chip_end, got);
  ASSERT_EQ(got.chip_begin, want.chip_begin);
  ASSERT_EQ(got.correct.size(), want.correct.size());
  std::size_t differing = 0;
  for (std::size_t q = 0; q < want.correct.size(); ++q) {
    const auto d =
        static_cast<std::int64_t>(got.correct[q]) - static_cast<std::int64_t>(want.correct[q]);
    const auto dn =
        static_cast<std::int64_t>(got.no_spike[q]) - static_cast<std::int64_t>(want.no_spike[q]);
    EXPECT_LE(std::llabs(d), bound.max_per_entry) << "entry " << q;
    EXPECT_LE(std::llabs(dn), bound.max_per_entry) << "entry " << q;
    differing += (d != 0 || dn != 0 || got.saturated[q] != want.saturated[q]) ? 1 : 0;
  }
  EXPECT_LE(static_cast<double>(differing), bound.max_entry_fraction * want.correct.size())
      << differing << " of " << want.correct.size() << " (time, chip) entries differ";
}

TEST(CudaParity, MonteCarloEqualsCpuPerChipSchemeB) {
  XBARMC_REQUIRE_DEVICE();
  expect_engines_agree(noisy_study(200, 21), 0, 64);
}

TEST(CudaParity, MonteCarloEqualsCpuPerChipSchemeAAndEncodings) {
  XBARMC_REQUIRE_DEVICE();
  StudyInputs a = noisy_study(150, 22);
  a.readout.scheme = Scheme::kA;
  a.neuron.threshold = 0.3 * code_full_scale(Scheme::kA, a.readout.adc_bits);
  expect_engines_agree(a, 5, 40);
  StudyInputs det = noisy_study(150, 23);
  det.readout.encoding = Encoding::kDeterministic;
  expect_engines_agree(det, 0, 32);
  StudyInputs direct = noisy_study(150, 24);
  direct.readout.encoding = Encoding::kDirect;
  direct.neuron.reset = Reset::kZero;
  direct.neuron.leak = 0.9;
  expect_engines_agree(direct, 0, 32);
}

TEST(CudaParity, MonteCarloWithNodalIrDropEqualsCpu) {
  XBARMC_REQUIRE_DEVICE();
  StudyInputs in = noisy_study(100, 25);
  low_resistance_wires(in, IrDropModel::kNodal);
  CpuEngine cpu;
  ChipBatchResult probe;
  try {
    cpu.run(in, 0, 1, probe);
  } catch (const UserError& e) {
    GTEST_SKIP() << "the CPU engine has no IR-drop here: " << e.what();
  }
  expect_engines_agree(in, 0, 24);
}

TEST(CudaParity, ResultsDoNotDependOnHowTheChipRangeIsSplit) {
  XBARMC_REQUIRE_DEVICE();
  const StudyInputs in = noisy_study(120, 26);
  std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0);
  ChipBatchResult whole, first, second;
  gpu->run(in, 100, 140, whole);
  gpu->run(in, 100, 117, first);
  gpu->run(in, 117, 140, second);
  for (int k = 0; k < in.n_times(); ++k) {
    for (int c = 0; c < 40; ++c) {
      const std::uint32_t part = c < 17
                                     ? first.correct[static_cast<std::size_t>(k) * 17 + c]
                                     : second.correct[static_cast<std::size_t>(k) * 23 + (c - 17)];
      EXPECT_EQ(whole.correct[static_cast<std::size_t>(k) * 40 + c], part)
          << "time " << k << " chip " << c;
    }
  }
}

TEST(CudaEngineNoDevice, FactoryIsAUserErrorWithoutADevice) {
  if (cuda::device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(cuda::make_cuda_engine(0), UserError);
}

}  // namespace
}  // namespace xbarmc
