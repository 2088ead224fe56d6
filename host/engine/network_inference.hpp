// The CPU engine's fast path for networks on chips of many arrays (DESIGN §2.7): the
// reference engine's arithmetic, scheduled for speed. Per chip and time every array's
// read matrix is kept as rows padded to 16 floats. Images run in groups: for each
// layer, each array of it reads the group's images step by step — active rows summed
// from a list (simd::AccumulateListFn), read noise, ADCs, partial sums into the digital
// diffs — while its rows stay in cache; then the layer's neurons run every step and
// their spikes become the next layer's input masks.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/input_plan.hpp"
#include "engine/network.hpp"
#include "engine/network_chip.hpp"
#include "engine/simd/kernels.hpp"

namespace xbarmc {

// What one chip at one time did on a range of images.
struct NetworkTally {
  std::uint32_t correct = 0, no_spike = 0;
  std::vector<std::uint64_t> saturated, spikes;  // per layer
  void reset(int n_layers);
  void add(const NetworkTally& o);
};

// One array's read matrix in the layout the fast path reads.
struct ArrayRows {
  std::vector<float> rows;   // [array rows × row_floats], a = read_matrix_entry, zero padded
  std::vector<float> noise;  // the same layout of b = σ_k·a (per-level read σ only)
  int row_floats = 0;
  float gain = 1.0f;
};

// What a calibration looks at on the nominal chip (engine/network_calibration.cpp):
// layer `layer`'s inputs and digital diffs. A run with a probe stops after that layer.
class LayerProbe {
 public:
  // inputs_only: observe the layer's inputs before its arrays are read (diffs null).
  LayerProbe(int layer, bool inputs_only) : layer_(layer), inputs_only_(inputs_only) {}
  virtual ~LayerProbe() = default;
  int layer() const { return layer_; }
  bool inputs_only() const { return inputs_only_; }
  // Once per group of images [first, first + n), from the thread that ran it: masks
  // [n × T × words] the layer's input spikes (bias row included; zero for the analog
  // inputs of direct encoding), diffs [n × T × n_out] its digital diffs (β included).
  virtual void observe(int first, int n, const std::uint64_t* masks, int words,
                       const float* diffs) = 0;

 private:
  int layer_;
  bool inputs_only_;
};

class NetworkRunner {
 public:
  NetworkRunner(const StudyInputs& in, const Network& net, const InputPlan& plan,
                const simd::Kernels& k);

  // Every array of a programmed chip at time t_s, in this runner's layout.
  void read_chip(const NetworkChip& chip, double t_s, NetworkChipScratch& scratch,
                 std::vector<ArrayRows>& arrays) const;

  struct Workspace;
  // Images [begin, end) through one chip at time index `k`, added to `tally`; `probe` (may
  // be null) sees its layer of those images, and then the run stops (no counts).
  void run_images(const std::vector<ArrayRows>& arrays, std::uint32_t chip, int k, int begin,
                  int end, Workspace& w, NetworkTally& tally, LayerProbe* probe = nullptr) const;

  int n_layers() const { return net_.n_layers(); }
  // 64-bit words of layer l's input mask per step.
  int words(int layer) const { return words_[static_cast<std::size_t>(layer)]; }

 private:
  void run_group(const std::vector<ArrayRows>& arrays, std::uint32_t chip, int k, int begin, int n,
                 Workspace& w, NetworkTally& tally, LayerProbe* probe) const;
  void read_array(const ArrayRows& m, const ArrayPlacement& a, const NetworkLayer& layer,
                  std::uint32_t chip, int k, int begin, int n, Workspace& w,
                  NetworkTally& tally) const;

  const StudyInputs& in_;
  const Network& net_;
  const InputPlan& plan_;
  const simd::Kernels& k_;
  std::vector<int> words_;    // per layer
  bool dense_first_ = false;  // direct encoding: layer 0 reads analog activations
};

struct NetworkRunner::Workspace {
  std::vector<std::uint64_t> masks;  // [layer][image of group × T × words]: its inputs
  std::vector<std::size_t> mask_offset;
  std::vector<float> diffs;  // [image of group × T × n_out] of the layer being read
  std::vector<float> acc, unused, z, codes, s, v;
  std::vector<std::uint32_t> counts, spiked, blocks, z_at;
  std::vector<int> list;
};

}  // namespace xbarmc
