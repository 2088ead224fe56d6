#include "train/model_cache.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/errors.hpp"

namespace xbarmc {

std::string model_cache_key_path(const std::string& path) {
  return path + ".train-key";
}

bool model_cache_matches(const std::string& path, const std::string& key) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return false;
  std::ifstream in(model_cache_key_path(path));
  std::ostringstream text;
  text << in.rdbuf();
  return in && text.str() == key;
}

void record_model_cache_key(const std::string& path, const std::string& key) {
  const std::string key_path = model_cache_key_path(path);
  AtomicFile file(key_path);
  {
    std::ofstream k(file.temp_path());
    k << key;
    if (!k) throw UserError("cannot write " + key_path);
  }
  file.commit();
}

}  // namespace xbarmc
