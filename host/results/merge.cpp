#include "results/merge.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

#include "common/errors.hpp"
#include "common/text_diff.hpp"
#include "io/h5.hpp"
#include "results/provenance.hpp"
#include "results/results_file.hpp"
#include "stats/checksum.hpp"
#include "xbarmc/build_info.hpp"

namespace xbarmc::study {
namespace {

constexpr const char* kRangeKeys[] = {"chips-from", "chips-to"};

bool is_range_line(const std::string& line) {
  for (const char* k : kRangeKeys) {
    const std::string prefix = std::string(k) + " = ";
    if (line.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

// Replaces the value of `key` (a line "key = value") in TOML text.
std::string with_value(const std::string& toml, const std::string& key, const std::string& value) {
  std::istringstream in(toml);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 3, key + " = ") == 0) line = key + " = " + value;
    out += line + "\n";
  }
  return out;
}

std::string range_text(std::uint64_t from, std::uint64_t to) {
  return "[" + std::to_string(from) + ", " + std::to_string(to) + ")";
}

// The unsigned integer value of `key` in TOML text; throws naming the file if absent.
std::uint64_t key_value(const std::string& toml, const std::string& key, const std::string& path) {
  std::istringstream in(toml);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 3, key + " = ") == 0) {
      const std::string v = line.substr(key.size() + 3);
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 19)
        break;
      return std::stoull(v);
    }
  }
  throw UserError(path + ": study_key has no valid '" + key + "' (not a chip-range results file)");
}

std::string string_attr(const h5::Object& o, const char* name) {
  return o.has_attribute(name) ? o.string_attribute(name) : "";
}

void require_shape(const h5::Group& mc, const std::string& name, const h5::Shape& shape,
                   const std::string& path) {
  if (mc.open_dataset(name).shape() != shape) {
    throw UserError(path + ": /mc/" + name + " does not have the shape of /mc/correct");
  }
}

// The datasets that follow from the study key and must agree between shards
// (calibration is deterministic, so a difference means different builds or a damaged file).
const char* const kDerivedDatasets[] = {"mc/times",
                                        "mc/yield/threshold",
                                        "reference/float_accuracy",
                                        "reference/mapped_accuracy",
                                        "reference/nominal_accuracy",
                                        "reference/threshold_ratio",
                                        "reference/threshold",
                                        "reference/i_fs_a"};
// The one-layer chip's mapping; a network's is its NetworkRecord.
const char* const kMappingDatasets[] = {"mapping/g_target", "mapping/levels_pos",
                                        "mapping/levels_neg"};

// Every derived dataset of a shard file (which is known to be an mc results file).
std::vector<std::string> derived_datasets(const h5::File& f) {
  std::vector<std::string> names(std::begin(kDerivedDatasets), std::end(kDerivedDatasets));
  const NetworkRecord network = read_network_record(f);
  if (network.empty()) {
    names.insert(names.end(), std::begin(kMappingDatasets), std::end(kMappingDatasets));
  } else {
    const std::vector<std::string> more = network_record_datasets(network);
    names.insert(names.end(), more.begin(), more.end());
  }
  return names;
}

void check_same_derived(const ShardInfo& a, const ShardInfo& b) {
  if (a.n_images != b.n_images || a.n_times != b.n_times) {
    throw UserError(a.path + " and " + b.path + " differ in their number of images or times");
  }
  const h5::File fa = h5::File::open(a.path), fb = h5::File::open(b.path);
  const std::vector<std::string> names = derived_datasets(fa);
  if (names != derived_datasets(fb)) {
    throw UserError(a.path + " and " + b.path + " hold different networks");
  }
  for (const std::string& name : names) {
    const h5::Array<double> va = fa.read<double>(name), vb = fb.read<double>(name);
    if (va.shape != vb.shape || va.data != vb.data) {
      throw UserError(a.path + " and " + b.path + " differ in /" + name +
                      " although their settings agree (shards from different xbarmc builds?)");
    }
  }
  if (fa.read_strings("mc/yield/spec") != fb.read_strings("mc/yield/spec")) {
    throw UserError(a.path + " and " + b.path + " differ in /mc/yield/spec");
  }
}

// A ResultsHeader for the merged range, from the first shard's file.
ResultsHeader merged_header(const std::vector<ShardInfo>& shards, const std::string& out_path) {
  const ShardInfo& s0 = shards.front();
  const h5::File f = h5::File::open(s0.path);
  ResultsHeader h;
  h.chip_from = s0.chips_from;
  h.n_chips = shards.back().chips_to - s0.chips_from;
  const std::string to = std::to_string(shards.back().chips_to);
  Provenance& p = h.provenance;
  p.version = build_info::kVersion;
  p.git_describe = build_info::kGitDescribe;
  p.command_line = current_command_line();
  p.created_utc = utc_now_iso8601();
  p.seed = static_cast<std::uint64_t>(f.int_attribute("seed"));
  p.study_key = with_value(s0.study_key, "chips-to", to);
  std::set<std::string> backends, devices;
  for (const ShardInfo& s : shards) {
    backends.insert(s.backend);
    devices.insert(s.device_name);
  }
  const auto join = [](const std::set<std::string>& v) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : "; ") + x;
    return out;
  };
  p.backend = join(backends);
  p.device_name = join(devices);
  p.config_toml =
      "# merged by xbarmc merge from " + std::to_string(shards.size()) +
      " shards (their provenance: /merge)\n" +
      with_value(with_value(s0.config_toml, "chips-to", to), "out", "\"" + out_path + "\"");

  const h5::Group mc = f.open_group("mc"), ref = f.open_group("reference");
  h.times_s = mc.read<double>("times").data;
  h.n_images = s0.n_images;
  h.split = mc.string_attribute("split");
  h.yield_specs = mc.read_strings("yield/spec");
  h.yield_thresholds = mc.read<double>("yield/threshold").data;
  const auto scalar = [&](const char* name) { return ref.read<double>(name).data.at(0); };
  h.refs.float_accuracy = scalar("float_accuracy");
  h.refs.mapped_accuracy = scalar("mapped_accuracy");
  h.refs.nominal_accuracy = scalar("nominal_accuracy");
  h.threshold_ratio = scalar("threshold_ratio");
  h.threshold = scalar("threshold");
  h.i_fs_a = scalar("i_fs_a");
  h.network = read_network_record(f);
  h.verify = mc.exists(kVerifyDatasets[0]);
  if (!h.network.empty()) {
    h.timesteps = static_cast<int>(mc.int_attribute("timesteps"));
    return h;
  }
  const h5::Group map = f.open_group("mapping");
  const h5::Array<std::int32_t> lp = map.read<std::int32_t>("levels_pos");
  if (lp.shape.size() != 2) throw UserError(s0.path + ": /mapping/levels_pos is not a matrix");
  h.n_in = static_cast<int>(lp.shape[0]);
  h.n_out = static_cast<int>(lp.shape[1]);
  h.levels_pos = lp.data;
  h.levels_neg = map.read<std::int32_t>("levels_neg").data;
  h.g_target_s = map.read<double>("g_target").data;
  return h;
}

}  // namespace

void write_shard_provenance(const h5::File& f, const std::vector<ShardInfo>& shards) {
  const h5::Group g = f.create_group("merge");
  std::vector<std::uint64_t> from, to;
  for (const ShardInfo& s : shards) {
    from.push_back(s.chips_from);
    to.push_back(s.chips_to);
  }
  g.write<std::uint64_t>("chips_from", {shards.size()}, from);
  g.write<std::uint64_t>("chips_to", {shards.size()}, to);
  const auto column = [&](const char* name, std::string ShardInfo::*field) {
    std::vector<std::string> v;
    for (const ShardInfo& s : shards) v.push_back(s.*field);
    g.write_strings(name, v);
  };
  column("file", &ShardInfo::path);
  column("command_line", &ShardInfo::command_line);
  column("config_toml", &ShardInfo::config_toml);
  column("backend", &ShardInfo::backend);
  column("device_name", &ShardInfo::device_name);
  column("created_utc", &ShardInfo::created_utc);
  column("version", &ShardInfo::version);
  column("git_describe", &ShardInfo::git_describe);
  column("checksum", &ShardInfo::checksum);
}

namespace {

// Appends the shard's per-chip rows to `rf` (one shard in memory at a time).
void append_shard(const ShardInfo& s, ResultsFile& rf) {
  const h5::File f = h5::File::open(s.path);  // the file outlives its group (strong close)
  const h5::Group mc = f.open_group("mc");
  ChipBatchResult b;
  b.chip_begin = s.chips_from;
  b.chip_end = s.chips_to;
  b.correct = mc.read<std::uint32_t>("correct").data;
  if (hex64(counts_checksum(b.correct)) != s.checksum) {
    throw UserError(s.path + ": /mc/correct does not match its checksum " + s.checksum +
                    " (a damaged file)");
  }
  const std::vector<std::uint64_t> index = mc.read<std::uint64_t>("chip_index").data;
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (index[i] != s.chips_from + i) {
      throw UserError(s.path + ": /mc/chip_index[" + std::to_string(i) + "] is " +
                      std::to_string(index[i]) + ", expected " + std::to_string(s.chips_from + i));
    }
  }
  b.no_spike = mc.read<std::uint32_t>("no_spike").data;
  b.saturated = mc.read<std::uint64_t>("saturated").data;
  if (mc.exists("layer_saturated")) {
    b.layer_saturated = mc.read<std::uint64_t>("layer_saturated").data;
    b.layer_spikes = mc.read<std::uint64_t>("layer_spikes").data;
  }
  if (mc.exists(kVerifyDatasets[0])) {
    b.verify_pulses = mc.read<std::uint64_t>(kVerifyDatasets[0]).data;
    b.verify_failures = mc.read<std::uint64_t>(kVerifyDatasets[1]).data;
    b.verify_cells = mc.read<std::uint64_t>(kVerifyDatasets[2]).data;
  }
  rf.append(b);
}

}  // namespace

std::string key_without_range(const std::string& study_key) {
  std::istringstream in(study_key);
  std::string line, out;
  while (std::getline(in, line)) {
    if (!is_range_line(line)) out += line + "\n";
  }
  return out;
}

ShardInfo read_shard(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw UserError(path + ": no such file");
  const h5::File f = h5::File::open(path);
  if (string_attr(f, "study") != "mc" || !f.has_attribute("study_key")) {
    throw UserError(path + ": not an xbarmc mc results file (root attribute study is not \"mc\")");
  }
  ShardInfo s;
  s.path = path;
  s.study_key = f.string_attribute("study_key");
  s.config_toml = string_attr(f, "config_toml");
  s.command_line = string_attr(f, "command_line");
  s.backend = string_attr(f, "backend");
  s.device_name = string_attr(f, "device_name");
  s.created_utc = string_attr(f, "created_utc");
  s.version = string_attr(f, "version");
  s.git_describe = string_attr(f, "git_describe");
  if (!f.exists("mc")) throw UserError(path + ": no /mc group");
  const h5::Group mc = f.open_group("mc");
  if (!mc.has_attribute("checksum")) {
    throw UserError(path + ": unfinished study (no /mc checksum); finish it with --resume first");
  }
  s.checksum = mc.string_attribute("checksum");
  const h5::Shape shape = mc.open_dataset("correct").shape();
  if (shape.size() != 2 || shape[0] == 0 || shape[1] == 0) {
    throw UserError(path + ": /mc/correct is not a non-empty [n_times × n_chips] matrix");
  }
  s.n_times = shape[0];
  const std::int64_t n_images = mc.int_attribute("n_images");
  if (n_images <= 0) throw UserError(path + ": /mc n_images is not positive");
  s.n_images = static_cast<std::uint64_t>(n_images);
  const std::int64_t from = mc.has_attribute("chip_from") ? mc.int_attribute("chip_from") : 0;
  if (from < 0) throw UserError(path + ": /mc chip_from is negative");
  s.chips_from = static_cast<std::uint64_t>(from);
  if (shape[1] > std::numeric_limits<std::uint64_t>::max() - s.chips_from) {
    throw UserError(path + ": /mc chip_from + n_chips overflows the chip index");
  }
  s.chips_to = s.chips_from + shape[1];
  if (key_value(s.study_key, "chips-from", path) != s.chips_from ||
      key_value(s.study_key, "chips-to", path) != s.chips_to) {
    throw UserError(path + ": its chip range " + range_text(s.chips_from, s.chips_to) +
                    " disagrees with its study_key");
  }
  if (f.int_attribute("chips_done") != static_cast<std::int64_t>(shape[1])) {
    throw UserError(path + ": chips_done is not the number of chips (an unfinished study)");
  }
  require_shape(mc, "accuracy", shape, path);
  require_shape(mc, "no_spike", shape, path);
  require_shape(mc, "saturated", shape, path);
  require_shape(mc, "chip_index", {shape[1]}, path);
  if (mc.open_dataset("times").shape() != h5::Shape{s.n_times}) {
    throw UserError(path + ": /mc/times does not have n_times entries");
  }
  const std::size_t n_specs = mc.read_strings("yield/spec").size();
  if (mc.open_dataset("yield/threshold").shape() != h5::Shape{n_specs}) {
    throw UserError(path + ": /mc/yield/threshold does not have one entry per spec");
  }
  const NetworkRecord network = read_network_record(f);
  if (network.empty()) {
    const h5::Shape lp = f.open_dataset("mapping/levels_pos").shape();
    if (lp.size() != 2 || f.open_dataset("mapping/levels_neg").shape() != lp ||
        f.open_dataset("mapping/g_target").shape() != h5::Shape{lp[0], 2 * lp[1]}) {
      throw UserError(path + ": /mapping datasets have inconsistent shapes");
    }
  } else {
    const h5::Shape per_layer = {network.layers.size(), shape[0], shape[1]};
    for (const char* name : {"layer_saturated", "layer_spikes", "layer_spike_rate"}) {
      if (mc.open_dataset(name).shape() != per_layer) {
        throw UserError(path + ": /mc/" + name + " is not [n_layers × n_times × n_chips]");
      }
    }
    if (!mc.has_attribute("timesteps") || mc.int_attribute("timesteps") < 1) {
      throw UserError(path + ": /mc has no valid timesteps attribute");
    }
  }
  if (mc.exists(kVerifyDatasets[0])) {
    for (const char* name : kVerifyDatasets) {
      require_shape(mc, name, {shape[1]}, path);
    }
  }
  for (const char* name : kDerivedDatasets) {
    if (name[0] == 'r' && f.open_dataset(name).shape() != h5::Shape{}) {
      throw UserError(path + ": /" + name + " is not a scalar");
    }
  }
  return s;
}

std::vector<ShardInfo> check_shards(std::vector<ShardInfo> shards) {
  if (shards.empty()) throw UserError("merge: no shard files given");
  std::stable_sort(shards.begin(), shards.end(), [](const ShardInfo& a, const ShardInfo& b) {
    return a.chips_from < b.chips_from;
  });
  const std::string key = key_without_range(shards.front().study_key);
  for (std::size_t i = 1; i < shards.size(); ++i) {
    const ShardInfo& prev = shards[i - 1];
    const ShardInfo& s = shards[i];
    const LineDifference d = first_line_difference(key, key_without_range(s.study_key));
    if (d.any) {
      throw UserError(s.path + " is another study than " + shards.front().path + ": '" + d.a +
                      "' vs '" + d.b + "'");
    }
    if (s.chips_from > prev.chips_to) {
      throw UserError("merge: chips " + range_text(prev.chips_to, s.chips_from) +
                      " are missing (a gap between " + prev.path + " and " + s.path + ")");
    }
    if (s.chips_from < prev.chips_to) {
      throw UserError("merge: chips " +
                      range_text(s.chips_from, std::min(prev.chips_to, s.chips_to)) +
                      " are in both " + prev.path + " and " + s.path + " (overlap)");
    }
  }
  for (std::size_t i = 1; i < shards.size(); ++i) check_same_derived(shards.front(), shards[i]);
  return shards;
}

void check_merge_output(const std::vector<std::string>& shard_paths, const std::string& out_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& p : shard_paths) {
    if (fs::equivalent(p, out_path, ec)) throw UserError("--out " + out_path + " is also a shard");
  }
  const fs::path parent = fs::path(out_path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw UserError("--out " + out_path + ": folder " + parent.string() + " does not exist");
  }
}

std::string shards_kind(const std::vector<std::string>& shard_paths) {
  if (shard_paths.empty()) throw UserError("merge: no shard files given");
  std::string kind, first;
  for (const std::string& p : shard_paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) throw UserError(p + ": no such file");
    const std::string k = string_attr(h5::File::open(p), "study");
    if (k != "mc" && k != "drift") {
      throw UserError(p + ": not an xbarmc mc or drift results file (root attribute study is \"" +
                      k + "\")" +
                      (k == "sweep" ? "; a sweep has no shards (scale it out with mpirun)" : ""));
    }
    if (kind.empty()) {
      kind = k;
      first = p;
    } else if (k != kind) {
      throw UserError("merge: " + first + " is " + kind + " results and " + p + " " + k +
                      " results; merge the shards of one study");
    }
  }
  return kind;
}

StudyOutcome write_merged(const std::vector<ShardInfo>& shards, const std::string& out_path,
                          ReferenceAccuracies* refs, bool with_provenance) {
  std::error_code ec;
  const std::string partial = partial_path_for(out_path);
  try {
    ResultsFile rf = ResultsFile::create(out_path, merged_header(shards, out_path));
    if (with_provenance) write_shard_provenance(rf.file(), shards);
    for (const ShardInfo& s : shards) append_shard(s, rf);
    if (refs) *refs = rf.references();
    return rf.finish();
  } catch (...) {
    std::filesystem::remove(partial, ec);
    throw;
  }
}

StudyOutcome merge_shards(const std::vector<std::string>& shard_paths, const std::string& out_path,
                          ReferenceAccuracies* refs) {
  check_merge_output(shard_paths, out_path);
  std::vector<ShardInfo> shards;
  for (const std::string& p : shard_paths) shards.push_back(read_shard(p));
  return write_merged(check_shards(std::move(shards)), out_path, refs, true);
}

}  // namespace xbarmc::study
