// The feature methods of DESIGN §2.1, §2.7 and the constants that reproduce a trained
// method on new images. Every method gives n_features() values in [0, 1]:
//   raw:                f = pixels / 255 (rows·cols values, 784 for 28×28; lo = 0, hi = 1)
//   resize methods:     f = resize_8x8(pixels / 255)            (64 values; lo = 0, hi = 1)
//   projection methods: z = P·(pixels / 255 − mean),  f = clamp((z − lo)/(hi − lo), 0, 1)
// with lo/hi the train-set 0.5 % / 99.5 % percentiles of z.
#pragma once

#include <string>
#include <vector>

namespace xbarmc {

constexpr int kNumFeatures = 64;  // of every method but raw
constexpr double kLowPercentile = 0.5;
constexpr double kHighPercentile = 99.5;

enum class FeatureMethod { kAvg8x8, kBilinear8x8, kMax8x8, kProjPca64, kProjSup64, kRaw };

const char* method_name(FeatureMethod m);
// Throws UserError naming the bad value and the valid ones.
FeatureMethod parse_feature_method(const std::string& name);
bool is_projection(FeatureMethod m);

struct FeatureSpec {
  FeatureMethod method = FeatureMethod::kAvg8x8;
  int input_rows = 28;
  int input_cols = 28;
  std::vector<double> projection;  // [kNumFeatures × rows·cols] row-major (projections)
  std::vector<double> mean;        // [rows·cols] train pixel mean in [0,1] units (projections)
  std::vector<double> lo, hi;      // [n_features()] scaling constants (all methods)

  int input_size() const { return input_rows * input_cols; }
  int n_features() const { return method == FeatureMethod::kRaw ? input_size() : kNumFeatures; }
};

// Throws UserError (prefixed by `where`) when sizes disagree with the method.
void validate_feature_spec(const FeatureSpec& spec, const std::string& where);

}  // namespace xbarmc
