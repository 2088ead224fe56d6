// `xbarmc merge --out OUT.h5 SHARD.h5 ...` (DESIGN §6): the shards of one yield or drift
// study (xbarmc mc|drift --chips-from A --chips-to B) combined into the file one run of
// the whole range would write; the checks and the merging live in results/merge.hpp.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "drift/drift_study.hpp"
#include "mpi/study_runner.hpp"
#include "results/merge.hpp"
#include "stats/yield_spec.hpp"
#include "study/summary_table.hpp"

namespace xbarmc::cli {
namespace {

void merge(const std::vector<std::string>& shards, const std::string& out, bool quiet) {
  if (study::shards_kind(shards) == "drift") {
    study::merge_drift_shards(shards, out);
    if (!quiet) {
      std::printf("merged %zu drift shards\n", shards.size());
      study::print_drift_table(study::read_drift_outcome(out), stdout);
      std::printf("wrote %s\n", out.c_str());
    }
    return;
  }
  study::ReferenceAccuracies refs;
  const study::StudyOutcome o = study::merge_shards(shards, out, &refs);
  if (!quiet) {
    std::printf("merged %zu shards\n", shards.size());
    study::print_summary_table(o, refs, stdout);
    std::printf("wrote %s\n", out.c_str());
  }
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "merge", "Merge the results files of mc or drift shards (--chips-from/--chips-to) into one");
  auto out = std::make_shared<std::string>();
  auto shards = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  sub->add_option("--out", *out, "merged results file (HDF5)")->required();
  sub->add_option("shards", *shards, "shard results files, in any order")->required();
  sub->add_flag("--quiet", *quiet, "no summary table");
  // Under mpirun: rank 0 merges and writes, the other ranks exit 0 silently.
  sub->callback(
      [out, shards, quiet] { study::run_study_command([&] { merge(*shards, *out, *quiet); }); });
}

}  // namespace xbarmc::cli
