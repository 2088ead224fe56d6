#include "engine/input_plan.hpp"
#include "inference_kernel.cuh"
#include "input_kernels.cuh"
#include "uploaded_study.cuh"

namespace xbarmc::cuda {

DeviceInputs describe_study(const StudyInputs& in) {
  DeviceInputs d;
  d.n_in = in.n_in;
  d.n_out = in.n_out;
  d.n_cols = in.n_cols();
  d.n_images = in.n_images();
  d.n_times = in.n_times();
  d.timesteps = in.readout.timesteps;
  d.words = (in.n_in + 63) / 64;
  d.layout = in.layout;
  d.device = in.device;
  d.readout = in.readout;
  d.rc = make_read_constants(in.device, in.readout);
  d.read = read_layout(in.n_out, d.rc.noisy, in.readout.encoding == Encoding::kDirect);
  d.n_groups = (d.n_images + d.read.images_per_warp - 1) / d.read.images_per_warp;
  d.leak = static_cast<float>(in.neuron.leak);
  d.threshold = static_cast<float>(in.neuron.threshold);
  d.reset = in.neuron.reset;
  d.seed = in.seed;
  d.g_min_s = in.mapping.g_min_s();
  d.g_max_s = in.mapping.g_max_s();
  return d;
}

void UploadedStudy::update(const StudyInputs& in) {
  DeviceInputs d = describe_study(in);
  if (g_target_host_ != in.g_target_s) {
    g_target_s_.upload(in.g_target_s);
    g_target_host_ = in.g_target_s;
  }
  if (times_host_ != in.times_s) {
    times_s_.upload(in.times_s);
    times_host_ = in.times_s;
  }
  if (labels_host_ != in.labels) {
    labels_.upload(in.labels);
    labels_host_ = in.labels;
  }
  // The spikes and lists depend on the inputs and on the kernel's read layout.
  std::uint64_t key = input_fingerprint(in);
  for (int v : {d.read.pairs_per_lane, d.read.images_per_warp, d.read.row_floats()})
    key = (key ^ static_cast<std::uint64_t>(v)) * 0x100000001b3ull;
  d.g_target_s = g_target_s_.data();
  d.times_s = times_s_.data();
  d.labels = labels_.data();
  d.features = features_.data();
  d.image_ids = image_ids_.data();
  d.masks = masks_.data();
  d.activations = activations_.data();
  d.row_lists = row_lists_.data();
  d.list_start = list_start_.data();
  d.list_iters = list_iters_.data();
  if ((!has_inputs_ || key != input_key_) && d.n_images > 0) {
    features_.upload(in.features);
    image_ids_.upload(in.image_ids);
    d.features = features_.data();
    d.image_ids = image_ids_.data();
    if (in.readout.encoding == Encoding::kDirect) {
      activations_.reserve(in.features.size());
      d.activations = activations_.data();
      launch_input_plan(d);
    } else {
      masks_.reserve(static_cast<std::size_t>(d.n_images) * d.timesteps * d.words);
      d.masks = masks_.data();
      launch_input_plan(d);
      build_row_lists(d, list_iters_, list_start_, row_lists_);
      d.row_lists = row_lists_.data();
      d.list_start = list_start_.data();
      d.list_iters = list_iters_.data();
    }
    input_key_ = key;
    has_inputs_ = true;
  }
  view_ = d;
}

}  // namespace xbarmc::cuda
