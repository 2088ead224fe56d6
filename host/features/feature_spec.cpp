#include "features/feature_spec.hpp"

#include <cmath>

#include "common/errors.hpp"

namespace xbarmc {

const char* method_name(FeatureMethod m) {
  switch (m) {
    case FeatureMethod::kAvg8x8:
      return "avg_8x8";
    case FeatureMethod::kBilinear8x8:
      return "bilinear_8x8";
    case FeatureMethod::kMax8x8:
      return "max_8x8";
    case FeatureMethod::kProjPca64:
      return "proj_pca_64";
    case FeatureMethod::kProjSup64:
      return "proj_sup_64";
    case FeatureMethod::kRaw:
      return "raw";
  }
  return "?";
}

FeatureMethod parse_feature_method(const std::string& name) {
  for (FeatureMethod m :
       {FeatureMethod::kAvg8x8, FeatureMethod::kBilinear8x8, FeatureMethod::kMax8x8,
        FeatureMethod::kProjPca64, FeatureMethod::kProjSup64, FeatureMethod::kRaw}) {
    if (name == method_name(m)) return m;
  }
  throw UserError("unknown feature method '" + name +
                  "' (expected avg_8x8, bilinear_8x8, max_8x8, proj_pca_64, proj_sup_64 or raw)");
}

bool is_projection(FeatureMethod m) {
  return m == FeatureMethod::kProjPca64 || m == FeatureMethod::kProjSup64;
}

void validate_feature_spec(const FeatureSpec& spec, const std::string& where) {
  if (spec.input_rows < 8 || spec.input_cols < 8 || spec.input_rows > 4096 ||
      spec.input_cols > 4096) {
    throw UserError(where + ": input image size " + std::to_string(spec.input_rows) + "x" +
                    std::to_string(spec.input_cols) + " out of range (8..4096)");
  }
  const auto n = static_cast<std::size_t>(spec.n_features());
  if (spec.lo.size() != n || spec.hi.size() != n) {
    throw UserError(where + ": feature lo/hi must hold " + std::to_string(n) + " values");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(spec.lo[i]) || !std::isfinite(spec.hi[i]) || !(spec.hi[i] > spec.lo[i])) {
      throw UserError(where + ": feature " + std::to_string(i) +
                      " has lo >= hi or a non-finite bound");
    }
  }
  if (is_projection(spec.method)) {
    const auto d = static_cast<std::size_t>(spec.input_size());
    if (spec.projection.size() != n * d) {
      throw UserError(where + ": projection must be " + std::to_string(n) + "x" +
                      std::to_string(d));
    }
    if (spec.mean.size() != d) {
      throw UserError(where + ": feature mean must hold " + std::to_string(d) + " values");
    }
  }
}

}  // namespace xbarmc
