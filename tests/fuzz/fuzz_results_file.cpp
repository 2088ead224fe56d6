// Fuzzes the results files that users hand back to xbarmc: the bytes become
// OUT.partial and are opened as `xbarmc mc --resume` opens them. The harness reads
// the file's own study_key first (when it can) so that mutations also reach the
// layout checks behind the key comparison. `merge` will read finished results
// files: add its reader to kOpeners below when it exists.
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "io/h5.hpp"
#include "study/results_file.hpp"

namespace {

std::string saved_study_key(const std::string& path) {
  std::string key = "no key";
  xbarmc::fuzz::expect_success_or_user_error(
      [&] { key = xbarmc::h5::File::open(path).string_attribute("study_key"); });
  return key;
}

void resume(const std::string& out) {
  const std::string key = saved_study_key(xbarmc::study::partial_path_for(out));
  xbarmc::fuzz::expect_success_or_user_error([&] {
    xbarmc::study::ResultsFile f = xbarmc::study::ResultsFile::resume(out, key);
    if (f.chips_done() > f.n_chips()) xbarmc::fuzz::finding("resume", "chips_done > n_chips");
    f.close();
  });
}

using Opener = void (*)(const std::string& out);
constexpr Opener kOpeners[] = {resume};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string out = xbarmc::fuzz::scratch_path("results.h5");
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (Opener open : kOpeners) {
    xbarmc::fuzz::write_scratch(xbarmc::study::partial_path_for(out), bytes);
    open(out);
  }
  return 0;
}
