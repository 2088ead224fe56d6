#include "mpi/runs_folder.hpp"

#include <filesystem>

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "mpi/study_runner.hpp"
#include "results/results_file.hpp"
#include "study/study_cache.hpp"

namespace xbarmc::study {

namespace fs = std::filesystem;

RunsFolder::RunsFolder(std::string path, bool resume) : path_(std::move(path)) {
  std::error_code ec;
  const bool existed = fs::exists(path_, ec);
  if (existed && !resume) {
    throw UserError(path_ +
                    " exists (an interrupted or --keep-runs run): continue it with --resume or "
                    "delete it");
  }
  fs::create_directories(path_, ec);
  if (!fs::is_directory(path_, ec)) throw UserError("cannot make the folder " + path_);
  made_ = !existed;
}

std::string RunsFolder::file(const std::string& name) const {
  return (fs::path(path_) / (name + ".h5")).string();
}

McRun RunsFolder::run(McConfig c, StudyCache& cache) const {
  std::error_code ec;
  if (fs::exists(c.out_path, ec)) {
    const McRun done = read_mc_run(c.out_path);
    if (done.study_key == study_toml(c, cache.model_checksum(c.model_path))) return done;
    fs::remove(c.out_path, ec);  // another study under this name: run it afresh
  }
  c.resume = fs::exists(partial_path_for(c.out_path), ec);
  run_mc_on_ranks(c, &cache);
  return read_mc_run(c.out_path);
}

void RunsFolder::finish(bool keep) {
  std::error_code ec;
  if (!keep) fs::remove_all(path_, ec);
}

void RunsFolder::discard_if_new() {
  std::error_code ec;
  if (made_) fs::remove_all(path_, ec);
}

}  // namespace xbarmc::study
