// `xbarmc merge` (DESIGN §6): shards of one yield study, each an `xbarmc mc` (or each
// an `xbarmc drift`) results file of a chip range [chips-from, chips-to), combined into
// the file a single run of their union would write. The shards must share every result-defining
// setting but the range (study_key), agree on what was derived from it (references, readout,
// mapping) and tile one range: no gap, no overlap. The merged file holds the per-chip datasets in
// chip order, statistics and yield recomputed, and /merge with every shard's file name and
// provenance.
//
// read_shard() is the whole validation of one input file, kept separate so that tests
// and the fuzz harnesses can call it on arbitrary bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/outcome.hpp"

namespace xbarmc::h5 {
class File;
}

namespace xbarmc::study {

// One finished mc results file, as merge needs it.
struct ShardInfo {
  std::string path;
  std::uint64_t chips_from = 0, chips_to = 0;  // global chip indices [from, to)
  std::uint64_t n_times = 0, n_images = 0;
  std::string study_key;  // study_toml() of the run, with its chip range
  std::string config_toml, command_line, backend, device_name, created_utc;
  std::string version, git_describe, checksum;
};

// Reads and checks `path`: a finished (not partial) mc results file whose datasets
// have consistent shapes, whose chip range agrees with its study key, and whose
// correct counts match its stored checksum. Throws UserError naming the file and
// what is wrong.
ShardInfo read_shard(const std::string& path);

// The study key with the chip range lines taken out: what shards must share.
std::string key_without_range(const std::string& study_key);

// Sorts `shards` by range and checks that they share the study and tile one range.
// Throws UserError naming the first differing setting, or the missing or doubled
// chip range and the files around it.
std::vector<ShardInfo> check_shards(std::vector<ShardInfo> shards);

// Reads, checks and merges mc shards `shard_paths` into `out_path` (written whole or
// not at all). Returns the recomputed outcome; `refs` (may be null) receives the
// references.
StudyOutcome merge_shards(const std::vector<std::string>& shard_paths, const std::string& out_path,
                          ReferenceAccuracies* refs = nullptr);

// The kind of study every shard holds, "mc" or "drift". Throws UserError naming the
// file that is neither, or two files of different kinds.
std::string shards_kind(const std::vector<std::string>& shard_paths);

// Throws UserError when `out_path` is one of the shards or its folder does not exist.
void check_merge_output(const std::vector<std::string>& shard_paths, const std::string& out_path);

// The merge itself, of shards as check_shards() returned them, into the mc results file
// `out_path`; /merge (the shards' provenance) is written when `with_provenance`.
StudyOutcome write_merged(const std::vector<ShardInfo>& shards, const std::string& out_path,
                          ReferenceAccuracies* refs, bool with_provenance);

// /merge of `f`: every shard's file name, range and provenance, in chip order.
void write_shard_provenance(const h5::File& f, const std::vector<ShardInfo>& shards);

// Drift shards (xbarmc drift --chips-from/--chips-to): each mode's group is merged as
// an mc shard would be (same checks: one study but for the range, no gap, no overlap,
// equal references and mapping), and the two merged groups are assembled with
// /reference, /mapping and /merge into the drift file one run of the union writes.
// Messages name the drift file and its group.
void merge_drift_shards(const std::vector<std::string>& shard_paths, const std::string& out_path);

}  // namespace xbarmc::study
