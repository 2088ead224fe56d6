// The CUDA backend against the host (DESIGN §4): chip sampling, A_eff (all three
// IR-drop models) and read matrices equal the host's bit for bit, and a whole Monte
// Carlo run equals the CPU engine's count for count (correct, no-spike, saturated and
// output spikes, every time and chip) on every kernel the engine can launch: noisy and noise-free,
// scheme A and B, three encodings, both column layouts, one and two output pairs per
// lane (> 32 columns), several mask words (> 64 inputs), several batches, IR-drop on
// both nodal paths and drift with compensation. Device tests are skipped without a
// device (and only then); the no-device contract is tested here.
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
#include "engine/calibration.hpp"
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
    make_read_matrix(in, h.a_eff[k], gain, MatrixLayout::kAA2, m);
    h.m.push_back(m);
  }
  return h;
}

void expect_chip_matrices_match_host(const StudyInputs& in, std::uint32_t chip_begin, int n_chips) {
  cuda::UploadedStudy study;
  study.update(in);
  const cuda::DeviceInputs& di = study.view();
  cuda::BatchBuffers buffers;
  buffers.reserve(di, static_cast<std::size_t>(n_chips));
  const cuda::DeviceBatch b = buffers.begin_batch(di, chip_begin, n_chips);
  cuda::launch_chip_matrices(di, b);
  XBARMC_CUDA_CALL(cudaDeviceSynchronize());
  const std::size_t cells = in.g_target_s.size();
  const auto a_eff = to_host(b.a_eff_s, static_cast<std::size_t>(n_chips) * b.n_slots * cells);
  const cuda::ReadLayout& r = di.read;
  const std::size_t matrix = static_cast<std::size_t>(in.n_in) * r.row_floats();
  const auto a = to_host(b.a, static_cast<std::size_t>(n_chips) * in.n_times() * matrix);
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
      const float want_gain = in.device.drift_compensation ? m.gain : 1.0f;
      ASSERT_EQ(gain[static_cast<std::size_t>(c) * in.n_times() + k], want_gain) << "chip " << c;
      for (int i = 0; i < in.n_in; ++i) {
        const float* row = a.data() + (static_cast<std::size_t>(c) * in.n_times() + k) * matrix +
                           static_cast<std::size_t>(i) * r.row_floats();
        for (int p = 0; p < r.pairs; ++p) {
          const float* pair = row + p * r.pair_floats();
          const bool used = p < in.n_out;
          const int cp = used ? column_pos(in.layout, p, in.n_out) : 0;
          const int cn = used ? column_neg(in.layout, p, in.n_out) : 0;
          ASSERT_EQ(pair[0], used ? m.a(i, cp) : 0.0f)
              << "chip " << c << " time " << k << " row " << i << " pair " << p;
          ASSERT_EQ(pair[1], used ? m.a(i, cn) : 0.0f)
              << "chip " << c << " time " << k << " row " << i << " pair " << p;
          if (r.squares) {
            ASSERT_EQ(pair[2], used ? m.a2(i, cp) : 0.0f)
                << "chip " << c << " time " << k << " row " << i;
            ASSERT_EQ(pair[3], used ? m.a2(i, cn) : 0.0f)
                << "chip " << c << " time " << k << " row " << i;
          }
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

// Every count of every (time, chip) equal: the arithmetic is the same by design
// (--fmad=false, -ffp-contract=off, portable_math, the same summation order).
void expect_same_counts(const ChipBatchResult& got, const ChipBatchResult& want) {
  ASSERT_EQ(got.chip_begin, want.chip_begin);
  ASSERT_EQ(got.chip_end, want.chip_end);
  ASSERT_EQ(got.correct.size(), want.correct.size());
  ASSERT_EQ(got.no_spike.size(), want.no_spike.size());
  ASSERT_EQ(got.saturated.size(), want.saturated.size());
  // One layer: its saturation and spike counts per (time, chip) as well.
  EXPECT_EQ(got.layer_saturated, want.layer_saturated);
  EXPECT_EQ(got.layer_spikes, want.layer_spikes);
  std::size_t differing = 0;
  for (std::size_t q = 0; q < want.correct.size(); ++q) {
    const bool same = got.correct[q] == want.correct[q] && got.no_spike[q] == want.no_spike[q] &&
                      got.saturated[q] == want.saturated[q];
    if (!same && ++differing <= 5) {
      ADD_FAILURE() << "entry " << q << ": correct " << got.correct[q] << " vs " << want.correct[q]
                    << ", no_spike " << got.no_spike[q] << " vs " << want.no_spike[q]
                    << ", saturated " << got.saturated[q] << " vs " << want.saturated[q];
    }
  }
  EXPECT_EQ(differing, 0u) << "of " << want.correct.size() << " (time, chip) entries";
}

void expect_engines_agree(const StudyInputs& in, std::uint64_t chip_begin, std::uint64_t chip_end,
                          const cuda::CudaEngineOptions& options = {}) {
  CpuEngine cpu;
  std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0, options);
  ChipBatchResult want, got;
  cpu.run(in, chip_begin, chip_end, want);
  gpu->run(in, chip_begin, chip_end, got);
  expect_same_counts(got, want);
}

// I_fs and θ re-resolved after a change of the readout or the array.
void recalibrate(StudyInputs& in) {
  const DeviceParams device = in.device;
  const std::vector<double> times = in.times_s;
  in.device = DeviceParams{};
  in.times_s = {1.0};
  in.readout.i_fs_a = calibrated_full_scale(in);
  in.neuron.threshold = calibrate_threshold(in, default_threshold_candidates()).threshold;
  in.device = device;
  in.times_s = times;
}

// The noisy study on an array of n_in × 2·n_out (synthetic weights and images).
StudyInputs noisy_study_of_shape(int n_in, int n_out, int n_images, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.n_in = n_in;
  spec.n_out = n_out;
  spec.n_images = n_images;
  spec.seed = seed;
  StudyInputs in = make_synthetic_study(spec);
  const StudyInputs noisy = noisy_study(1, seed);
  in.device = noisy.device;
  in.device.read_sigma_abs_a = 0.05 * code_unit_a(in.readout);
  in.times_s = noisy.times_s;
  return in;
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
  StudyInputs strong = noisy_study(100, 25);  // kΩ device: block elimination
  low_resistance_wires(strong, IrDropModel::kNodal);
  expect_engines_agree(strong, 0, 24);
  StudyInputs weak = noisy_study(100, 25);  // the seed's device: Jacobi sweeps
  weak.device.ir_drop = IrDropModel::kNodal;
  expect_engines_agree(weak, 0, 24);
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

TEST(CudaParity, NoiseFreeKernelsEqualCpu) {
  XBARMC_REQUIRE_DEVICE();
  for (Encoding e : {Encoding::kRate, Encoding::kDeterministic, Encoding::kDirect}) {
    for (Scheme scheme : {Scheme::kB, Scheme::kA}) {
      StudyInputs in = noisy_study(130, 31);
      in.device.read_sigma = 0.0;
      in.device.read_sigma_abs_a = 0.0;
      in.readout.encoding = e;
      in.readout.scheme = scheme;
      recalibrate(in);
      SCOPED_TRACE(testing::Message()
                   << "encoding " << static_cast<int>(e) << " scheme " << static_cast<int>(scheme));
      expect_engines_agree(in, 3, 35);
    }
  }
}

TEST(CudaParity, MoreThan32ColumnsEqualCpu) {
  XBARMC_REQUIRE_DEVICE();
  // 48 and 64 outputs: two output pairs per lane, one image per warp, padding pairs.
  for (int n_out : {24, 48, 64}) {
    StudyInputs in = noisy_study_of_shape(40, n_out, 90, 32);
    SCOPED_TRACE(testing::Message() << n_out << " outputs");
    expect_engines_agree(in, 0, 20);
    in.readout.scheme = Scheme::kA;
    recalibrate(in);
    expect_engines_agree(in, 0, 12);
  }
}

TEST(CudaParity, MoreThan64InputsEqualCpu) {
  XBARMC_REQUIRE_DEVICE();
  // 100 and 150 inputs: two and three mask words per step.
  for (int n_in : {100, 150}) {
    StudyInputs in = noisy_study_of_shape(n_in, 10, 80, 33);
    SCOPED_TRACE(testing::Message() << n_in << " inputs");
    expect_engines_agree(in, 0, 16);
    in.readout.encoding = Encoding::kDeterministic;
    expect_engines_agree(in, 0, 8);
  }
}

TEST(CudaParity, BlockedLayoutEqualsCpu) {
  XBARMC_REQUIRE_DEVICE();
  StudyInputs in = noisy_study(120, 34);
  // The same weights in the blocked layout: output j's columns j and n_out + j.
  std::vector<double> blocked(in.g_target_s.size());
  const int n_cols = in.n_cols();
  for (int i = 0; i < in.n_in; ++i) {
    for (int j = 0; j < in.n_out; ++j) {
      blocked[static_cast<std::size_t>(i) * n_cols + column_pos(Layout::kBlocked, j, in.n_out)] =
          in.g_target_s[static_cast<std::size_t>(i) * n_cols + column_pos(in.layout, j, in.n_out)];
      blocked[static_cast<std::size_t>(i) * n_cols + column_neg(Layout::kBlocked, j, in.n_out)] =
          in.g_target_s[static_cast<std::size_t>(i) * n_cols + column_neg(in.layout, j, in.n_out)];
    }
  }
  in.layout = Layout::kBlocked;
  in.g_target_s = blocked;
  expect_engines_agree(in, 0, 24);
  in.readout.scheme = Scheme::kA;
  recalibrate(in);
  expect_engines_agree(in, 0, 16);
  expect_chip_matrices_match_host(in, 0, 4);
}

TEST(CudaParity, SeveralBatchesEqualOneCpuRun) {
  XBARMC_REQUIRE_DEVICE();
  // Capacity 7 below 45 chips: seven batches, the last one partial.
  cuda::CudaEngineOptions small;
  small.max_batch_chips = 7;
  expect_engines_agree(noisy_study(60, 35), 10, 55, small);
  StudyInputs nodal = noisy_study(60, 35);
  low_resistance_wires(nodal, IrDropModel::kNodal);
  expect_engines_agree(nodal, 0, 20, small);
}

TEST(CudaParity, ASmallMemoryShareEqualsCpu) {
  XBARMC_REQUIRE_DEVICE();
  cuda::CudaEngineOptions shared_device;  // as one of many MPI ranks on one GPU
  shared_device.memory_share = 0.001;
  expect_engines_agree(noisy_study(40, 40), 0, 30, shared_device);
}

TEST(CudaEngineLimits, AnArrayBeyondSharedMemoryIsAUserError) {
  XBARMC_REQUIRE_DEVICE();
  // 3000 inputs × 20 columns with squares: ~480 kB of read matrix per block.
  StudyInputs in = noisy_study_of_shape(3000, 10, 4, 41);
  std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0);
  ChipBatchResult r;
  try {
    gpu->run(in, 0, 1, r);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("shared memory"), std::string::npos) << e.what();
  }
}

TEST(CudaParity, DriftWithAndWithoutCompensationEqualsCpu) {
  XBARMC_REQUIRE_DEVICE();
  StudyInputs in = noisy_study(100, 36);
  in.device.nu_mean = 0.05;
  in.device.nu_std = 0.02;
  in.device.drift_spread = 0.02;
  in.times_s = {1.0, 3600.0, 86400.0, 86400.0 * 365, 86400.0 * 3650};
  in.device.drift_compensation = true;
  expect_engines_agree(in, 0, 24);
  expect_chip_matrices_match_host(in, 0, 4);
  in.device.drift_compensation = false;
  expect_engines_agree(in, 0, 24);
}

TEST(CudaParity, OneEngineRunsDifferentStudiesInTurn) {
  XBARMC_REQUIRE_DEVICE();
  // The engine keeps a study on the device between calls; a changed study (images,
  // times, the array's shape, the encoding) must be seen.
  std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0);
  CpuEngine cpu;
  std::vector<StudyInputs> studies = {noisy_study(50, 37), noisy_study(70, 38),
                                      noisy_study_of_shape(30, 40, 50, 39)};
  studies.push_back(studies[0]);
  studies.back().times_s = {5.0};
  studies.push_back(studies[0]);
  studies.back().readout.encoding = Encoding::kDirect;
  studies.push_back(studies[0]);
  for (const StudyInputs& in : studies) {
    ChipBatchResult want, got;
    cpu.run(in, 2, 14, want);
    gpu->run(in, 2, 14, got);
    expect_same_counts(got, want);
  }
}

TEST(CudaEngineNoDevice, FactoryIsAUserErrorWithoutADevice) {
  if (cuda::device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(cuda::make_cuda_engine(0), UserError);
}

}  // namespace
}  // namespace xbarmc
