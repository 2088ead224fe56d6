#include "results/mc_run.hpp"

#include "common/errors.hpp"
#include "io/h5.hpp"

namespace xbarmc::study {
namespace {

double scalar(const h5::Group& g, const std::string& name) {
  return g.read<double>(name).data.at(0);
}

}  // namespace

McRun read_mc_run(const std::string& path) {
  const h5::File f = h5::File::open(path);
  if (!f.has_attribute("study") || f.string_attribute("study") != "mc") {
    throw UserError(path + ": not a finished mc results file");
  }
  const h5::Group mc = f.open_group("mc");
  McRun r;
  r.path = path;
  r.study_key = f.string_attribute("study_key");
  r.split = mc.string_attribute("split");
  r.backend = f.string_attribute("backend");
  r.device_name = f.string_attribute("device_name");
  const std::vector<double> times = mc.read<double>("times").data;
  r.chip_index = mc.read<std::uint64_t>("chip_index").data;
  r.correct = mc.read<std::uint32_t>("correct").data;
  r.accuracy = mc.read<double>("accuracy").data;
  const std::uint64_t n_chips = r.chip_index.size();
  if (r.correct.size() != times.size() * n_chips || r.accuracy.size() != r.correct.size()) {
    throw UserError(path + ": /mc/correct and /mc/accuracy are not [n_times × n_chips]");
  }
  const auto n_images = static_cast<std::uint64_t>(mc.int_attribute("n_images"));
  r.outcome = compute_outcome(r.correct, times, n_chips, n_images, mc.read_strings("yield/spec"),
                              mc.read<double>("yield/threshold").data);
  const h5::Group ref = f.open_group("reference");
  r.refs.float_accuracy = scalar(ref, "float_accuracy");
  r.refs.mapped_accuracy = scalar(ref, "mapped_accuracy");
  r.refs.nominal_accuracy = scalar(ref, "nominal_accuracy");
  return r;
}

}  // namespace xbarmc::study
