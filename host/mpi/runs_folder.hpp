// The folder of mc results files that a command running many studies keeps beside its
// output (`xbarmc budget`, `xbarmc tolerance`: <out>.runs/): each study is an ordinary
// mc file there, run through run_mc_on_ranks (so MPI spreads it), reused when the file
// holds the very same finished study, continued when its partial file is left from an
// interrupted run. The folder is deleted at the end unless the user keeps it.
#pragma once

#include <string>

#include "results/mc_run.hpp"
#include "study/mc_config.hpp"

namespace xbarmc::study {

class StudyCache;

class RunsFolder {
 public:
  // Makes `path`. An existing folder is refused (UserError) unless `resume`.
  RunsFolder(std::string path, bool resume);
  RunsFolder(const RunsFolder&) = delete;
  RunsFolder& operator=(const RunsFolder&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const;  // <path>/<name>.h5

  // Runs (or reuses, or continues) `c` into c.out_path and reads it back.
  McRun run(McConfig c, StudyCache& cache) const;

  // The command's output is written: keep the folder (`keep`) or remove it.
  void finish(bool keep);
  // Bad input found late (a UserError): removes the folder if this run made it, so
  // that nothing is left behind; a folder that existed before (being resumed) stays.
  void discard_if_new();

 private:
  std::string path_;
  bool made_ = false;
};

}  // namespace xbarmc::study
