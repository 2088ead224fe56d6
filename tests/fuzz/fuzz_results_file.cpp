// Fuzzes the results files that users hand back to xbarmc, each opener writing the
// bytes where its command expects them:
//  - resume: as OUT.partial, opened as `xbarmc mc --resume` opens it. The harness
//    reads the file's own study_key first (when it can) so that mutations also reach
//    the layout checks behind the key comparison.
//  - merge: as a shard, validated by study::read_shard() as `xbarmc merge` does.
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "io/h5.hpp"
#include "results/merge.hpp"
#include "results/results_file.hpp"

namespace {

std::string saved_study_key(const std::string& path) {
  std::string key = "no key";
  xbarmc::fuzz::expect_success_or_user_error(
      [&] { key = xbarmc::h5::File::open(path).string_attribute("study_key"); });
  return key;
}

void resume(std::string_view bytes) {
  static const std::string out = xbarmc::fuzz::scratch_path("results.h5");
  const std::string partial = xbarmc::study::partial_path_for(out);
  xbarmc::fuzz::write_scratch(partial, bytes);
  const std::string key = saved_study_key(partial);
  xbarmc::fuzz::expect_success_or_user_error([&] {
    xbarmc::study::ResultsFile f = xbarmc::study::ResultsFile::resume(out, key);
    if (f.chips_done() > f.n_chips()) xbarmc::fuzz::finding("resume", "chips_done > n_chips");
    f.close();
  });
}

void merge_shard(std::string_view bytes) {
  static const std::string shard = xbarmc::fuzz::scratch_path("shard.h5");
  xbarmc::fuzz::write_scratch(shard, bytes);
  xbarmc::fuzz::expect_success_or_user_error([&] {
    const xbarmc::study::ShardInfo s = xbarmc::study::read_shard(shard);
    if (s.chips_to < s.chips_from) xbarmc::fuzz::finding("merge", "chips_to < chips_from");
  });
}

using Opener = void (*)(std::string_view bytes);
constexpr Opener kOpeners[] = {resume, merge_shard};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (Opener open : kOpeners) open(bytes);
  return 0;
}
