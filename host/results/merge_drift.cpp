// `xbarmc merge` of drift shards: each /drift group is taken out into an mc results
// file of its own (what the drift study's part file was), those are merged by the mc
// merge, and the two merged files are assembled as `xbarmc drift` assembles its parts.
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "results/drift_file.hpp"
#include "results/group_copy.hpp"
#include "results/merge.hpp"
#include "results/results_file.hpp"

namespace xbarmc::study {
namespace {

namespace fs = std::filesystem;

// The mc results file that group `mode` of the drift file `drift_path` came from.
void extract_mode(const std::string& drift_path, const std::string& mode, const std::string& out) {
  const h5::File d = h5::File::open(drift_path);
  const std::string group = "/drift/" + mode;
  if (!d.exists(group.substr(1))) throw UserError(drift_path + ": no " + group + " group");
  const h5::Group g = d.open_group(group.substr(1));
  if (!g.has_attribute("study_key")) {
    throw UserError(drift_path + ": " + group +
                    " has no study_key (a drift file from an xbarmc without drift shards)");
  }
  h5::File f = h5::File::create(out, drift_path);
  copy_provenance(d, f);
  f.set_attribute("study", "mc");
  f.set_attribute("study_key", g.string_attribute("study_key"));
  const h5::Shape shape = g.open_dataset("correct").shape();
  if (shape.size() != 2) throw UserError(drift_path + ": " + group + "/correct is not a matrix");
  // A drift file exists only once both modes are finished.
  f.set_attribute("chips_done", static_cast<std::int64_t>(shape[1]));
  copy_object(d, group, f, "/mc");
  copy_object(d, "/reference", f, "/reference");
  copy_object(d, "/mapping", f, "/mapping");
  f.close();
}

// Every file merge makes besides the output; removed however the merge ends.
class Scratch {
 public:
  ~Scratch() {
    std::error_code ec;
    for (const std::string& p : paths_) {
      fs::remove(p, ec);
      fs::remove(partial_path_for(p), ec);
    }
  }
  const std::string& add(std::string path) { return paths_.emplace_back(std::move(path)); }

 private:
  std::vector<std::string> paths_;
};

// `message` with every scratch file name replaced by the drift file and group it holds.
std::string in_user_terms(std::string message,
                          const std::vector<std::pair<std::string, std::string>>& names) {
  for (const auto& [scratch, user] : names) {
    for (std::size_t at = message.find(scratch); at != std::string::npos;
         at = message.find(scratch, at + user.size())) {
      message.replace(at, scratch.size(), user);
    }
  }
  return message;
}

}  // namespace

void merge_drift_shards(const std::vector<std::string>& shard_paths, const std::string& out_path) {
  check_merge_output(shard_paths, out_path);
  Scratch scratch;
  // Scratch names end in the shard's position and mode, so none is a prefix of another.
  std::vector<std::pair<std::string, std::string>> names;
  std::vector<ShardInfo> provenance;  // the uncompensated group's, named by drift file
  std::string merged[2];
  try {
    for (int k = 0; k < 2; ++k) {
      const std::string mode = kDriftGroups[k];
      std::vector<ShardInfo> shards;
      for (std::size_t i = 0; i < shard_paths.size(); ++i) {
        const std::string& part = scratch.add(out_path + ".shard" + std::to_string(i) + "." + mode);
        names.emplace_back(part, shard_paths[i] + " (/drift/" + mode + ")");
        extract_mode(shard_paths[i], mode, part);
        shards.push_back(read_shard(part));
      }
      shards = check_shards(std::move(shards));
      merged[k] = scratch.add(drift_part_path(out_path, k == 1));
      write_merged(shards, merged[k], nullptr, false);
      if (k == 0) {
        provenance = shards;
        for (ShardInfo& s : provenance) {
          for (std::size_t i = 0; i < shard_paths.size(); ++i) {
            if (names[i].first == s.path) s.path = shard_paths[i];
          }
        }
      }
    }
  } catch (const UserError& e) {
    throw UserError(in_user_terms(e.what(), names));
  }
  write_drift_file(merged[0], merged[1], out_path,
                   [&](const h5::File& f) { write_shard_provenance(f, provenance); });
}

}  // namespace xbarmc::study
