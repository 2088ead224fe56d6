// Output files appear whole or not at all: writers fill "<path>.partial-<pid>" and
// commit() renames it over the final path; a destroyed, uncommitted AtomicFile
// removes its temporary file (DESIGN §3: never a partial output file).
#pragma once

#include <string>

namespace xbarmc {

class AtomicFile {
 public:
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }
  // Renames the temporary file onto the final path (throws UserError on failure).
  void commit();

 private:
  std::string final_path_;
  std::string temp_path_;
  bool committed_ = false;
};

}  // namespace xbarmc
