#include "results/drift_file.hpp"

#include "common/atomic_file.hpp"
#include "io/h5.hpp"
#include "results/group_copy.hpp"
#include "results/provenance.hpp"

namespace xbarmc::study {
namespace {

// The mc settings text of the uncompensated part, relabelled as the drift study's.
std::string drift_toml(const std::string& mc_toml) {
  std::string t = mc_toml;
  const std::string mode = "drift-compensation = false\n";
  const auto at = t.find(mode);
  if (at != std::string::npos) t.erase(at, mode.size());
  return "# xbarmc drift: every time without and with global drift compensation\n" + t;
}

DriftSeries read_series(const h5::File& f, const std::string& group, std::size_t n_specs) {
  const h5::Group g = f.open_group(group);
  DriftSeries s;
  s.mean = g.read<double>("summary/mean").data;
  s.p5 = g.read<double>("summary/p5").data;
  if (n_specs > 0) s.yield = g.read<double>("yield/fraction").data;
  s.checksum = g.string_attribute("checksum");
  return s;
}

}  // namespace

const char* const kDriftGroups[2] = {"uncompensated", "compensated"};

std::string drift_part_path(const std::string& out_path, bool compensated) {
  return out_path + (compensated ? ".compensated" : ".uncompensated");
}

void write_drift_file(const std::string& uncompensated, const std::string& compensated,
                      const std::string& out_path,
                      const std::function<void(const h5::File&)>& more) {
  AtomicFile out(out_path);
  {
    const h5::File unc = h5::File::open(uncompensated);
    const h5::File comp = h5::File::open(compensated);
    h5::File f = h5::File::create(out.temp_path(), out_path);
    copy_provenance(unc, f);
    f.set_attribute("study", "drift");
    f.set_attribute("config_toml", drift_toml(unc.string_attribute("config_toml")));
    f.set_attribute("study_key", drift_toml(unc.string_attribute("study_key")));
    const h5::File* sources[2] = {&unc, &comp};
    for (int k = 0; k < 2; ++k) {
      const std::string group = std::string("/drift/") + kDriftGroups[k];
      copy_object(*sources[k], "/mc", f, group);
      // What merge needs to treat the group as the mc study it came from.
      f.open_group(group).set_attribute("study_key", sources[k]->string_attribute("study_key"));
    }
    copy_object(unc, "/reference", f, "/reference");
    copy_object(unc, "/mapping", f, "/mapping");
    if (more) more(f);
    f.close();
  }
  out.commit();
}

DriftOutcome read_drift_outcome(const std::string& path) {
  const h5::File f = h5::File::open(path);
  const h5::Group g = f.open_group("drift/uncompensated");
  DriftOutcome o;
  o.times_s = g.read<double>("times").data;
  o.specs = g.read_strings("yield/spec");
  o.thresholds = g.read<double>("yield/threshold").data;
  o.n_chips = g.open_dataset("chip_index").shape().at(0);
  o.n_images = static_cast<std::uint64_t>(g.int_attribute("n_images"));
  o.uncompensated = read_series(f, "drift/uncompensated", o.specs.size());
  o.compensated = read_series(f, "drift/compensated", o.specs.size());
  return o;
}

}  // namespace xbarmc::study
