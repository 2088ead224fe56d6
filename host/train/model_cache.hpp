// A trained model kept for reuse: the model file at `path` and, beside it in
// `path.train-key`, the text of the training settings it was made with. `xbarmc run`
// and `xbarmc sweep` reuse the model while that text is unchanged and retrain otherwise.
#pragma once

#include <string>

namespace xbarmc {

// The key file of the model at `path`.
std::string model_cache_key_path(const std::string& path);

// Whether the model at `path` exists and was trained with exactly `key`.
bool model_cache_matches(const std::string& path, const std::string& key);

// Records `key` beside the freshly trained model at `path` (written whole or not at all).
// Throws UserError when it cannot.
void record_model_cache_key(const std::string& path, const std::string& key);

}  // namespace xbarmc
