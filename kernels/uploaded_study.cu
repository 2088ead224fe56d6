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
  d.leak = static_cast<float>(in.neuron.leak);
  d.threshold = static_cast<float>(in.neuron.threshold);
  d.reset = in.neuron.reset;
  d.seed = in.seed;
  d.g_min_s = in.mapping.g_min_s();
  d.g_max_s = in.mapping.g_max_s();
  return d;
}

UploadedStudy::UploadedStudy(const StudyInputs& in)
    : g_target_s_(in.g_target_s.begin(), in.g_target_s.end()),
      times_s_(in.times_s.begin(), in.times_s.end()),
      features_(in.features.begin(), in.features.end()),
      image_ids_(in.image_ids.begin(), in.image_ids.end()),
      labels_(in.labels.begin(), in.labels.end()),
      view_(describe_study(in)) {
  const bool direct = in.readout.encoding == Encoding::kDirect;
  if (direct) {
    activations_.resize(in.features.size());
  } else {
    masks_.resize(static_cast<std::size_t>(view_.n_images) * view_.timesteps * view_.words);
  }
  view_.g_target_s = thrust::raw_pointer_cast(g_target_s_.data());
  view_.times_s = thrust::raw_pointer_cast(times_s_.data());
  view_.features = thrust::raw_pointer_cast(features_.data());
  view_.image_ids = thrust::raw_pointer_cast(image_ids_.data());
  view_.labels = thrust::raw_pointer_cast(labels_.data());
  view_.masks = thrust::raw_pointer_cast(masks_.data());
  view_.activations = thrust::raw_pointer_cast(activations_.data());
  if (view_.n_images > 0) launch_input_plan(view_);
}

}  // namespace xbarmc::cuda
