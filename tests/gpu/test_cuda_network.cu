// Networks on chips of many arrays on the GPU (DESIGN §2.7): the CUDA engine gives the
// CPU engine's counts exactly — correct, no-spike, saturation and the per-layer
// saturation and spikes of every chip and time — over layer counts, array cuts, both
// schemes, every encoding, both bias modes, the three IR-drop models, the blocked
// layout, drift with compensation, A2A variation, measured level tables, write-verify
// and several batches. Skipped without a device.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../network_cases.hpp"
#include "cuda_engine.hpp"
#include "device_info.hpp"
#include "engine/cpu_engine.hpp"
#include "engine/synthetic_workload.hpp"

namespace xbarmc {
namespace {

#define XBARMC_REQUIRE_DEVICE() \
  if (cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device"

using testing_networks::add_noise_and_variation;
using testing_networks::spec_of;

void expect_gpu_equals_cpu(const StudyInputs& in, const std::string& what,
                           const cuda::CudaEngineOptions& options = {}) {
  CpuEngine cpu(2);
  std::unique_ptr<Engine> gpu = cuda::make_cuda_engine(0, options);
  ChipBatchResult want, got;
  cpu.run(in, 3, 9, want);
  gpu->run(in, 3, 9, got);
  testing_networks::expect_same_counts(got, want, what);
}

TEST(CudaNetwork, EqualsCpuOverLayersAndArrayCuts) {
  XBARMC_REQUIRE_DEVICE();
  for (const auto& hidden : {std::vector<int>{}, std::vector<int>{24}, std::vector<int>{24, 12}}) {
    for (const auto& size : {std::pair<int, int>{0, 0}, {16, 8}, {13, 6}, {64, 64}, {1, 2}}) {
      StudyInputs in = make_synthetic_network(spec_of(hidden, size.first, size.second));
      add_noise_and_variation(in);
      expect_gpu_equals_cpu(in, std::to_string(hidden.size() + 1) + " layers, arrays " +
                                    std::to_string(size.first) + "x" + std::to_string(size.second));
    }
  }
}

TEST(CudaNetwork, EqualsCpuOverSchemesEncodingsAndBias) {
  XBARMC_REQUIRE_DEVICE();
  for (Scheme scheme : {Scheme::kA, Scheme::kB}) {
    for (Encoding enc : {Encoding::kRate, Encoding::kDeterministic, Encoding::kDirect}) {
      for (int bias : {0, 1, 2}) {  // none, digital, row
        SyntheticNetworkSpec spec = spec_of({20}, 16, 10);
        spec.bias = bias > 0;
        spec.bias_row = bias == 2;
        StudyInputs in = make_synthetic_network(spec);
        in.readout.scheme = scheme;
        in.readout.encoding = enc;
        in.readout.adc_bits = scheme == Scheme::kA ? 5 : 4;
        recalibrate_network(in);
        add_noise_and_variation(in);
        expect_gpu_equals_cpu(in, std::string("scheme ") + (scheme == Scheme::kA ? "A" : "B") +
                                      ", encoding " + std::to_string(static_cast<int>(enc)) +
                                      ", bias " + std::to_string(bias));
      }
    }
  }
}

TEST(CudaNetwork, EqualsCpuOverIrDropDriftLayoutAndBatches) {
  XBARMC_REQUIRE_DEVICE();
  for (IrDropModel ir : {IrDropModel::kNone, IrDropModel::kFirstOrder, IrDropModel::kNodal}) {
    for (Layout layout : {Layout::kInterleaved, Layout::kBlocked}) {
      StudyInputs in = make_synthetic_network(spec_of({20}, 16, 10));
      in.layout = layout;
      in.device.ir_drop = ir;
      in.device.r_wl_ohm = 2.5;
      in.device.r_bl_ohm = 2.5;
      in.device.nu_mean = 0.02;
      in.device.nu_std = 0.01;
      in.device.drift_spread = 0.01;
      in.device.drift_compensation = true;
      in.times_s = {1.0, 86400.0};
      add_noise_and_variation(in);
      const std::string what = "ir-drop " + std::to_string(static_cast<int>(ir)) +
                               (layout == Layout::kBlocked ? ", blocked" : ", interleaved");
      expect_gpu_equals_cpu(in, what);
      cuda::CudaEngineOptions small;
      small.max_batch_chips = 4;  // two batches of the six chips
      expect_gpu_equals_cpu(in, what + ", batches of 4", small);
    }
  }
}

// A measured level table (DESIGN §2.8): per-level C2C σ, drift ν and read σ (the noise
// matrices b), with and without write-verify, over two batches.
TEST(CudaNetwork, EqualsCpuWithLevelTablesAndWriteVerify) {
  XBARMC_REQUIRE_DEVICE();
  for (bool level_read : {false, true}) {
    for (bool verify : {false, true}) {
      StudyInputs in = make_synthetic_network(spec_of({20}, 16, 10));
      add_noise_and_variation(in);
      in.times_s = {1.0, 86400.0};
      testing_networks::use_four_level_statistics(in);
      in.level_read_sigma = level_read;
      in.device.verify = verify;
      in.device.verify_tolerance = 0.1;
      const std::string what = std::string("level read sigma ") + (level_read ? "on" : "off") +
                               ", verify " + (verify ? "on" : "off");
      expect_gpu_equals_cpu(in, what);
      cuda::CudaEngineOptions small;
      small.max_batch_chips = 4;
      expect_gpu_equals_cpu(in, what + ", batches of 4", small);
    }
  }
}

}  // namespace
}  // namespace xbarmc
