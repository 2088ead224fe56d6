#include "stats/outcome.hpp"

#include <cmath>

#include "common/errors.hpp"
#include "stats/checksum.hpp"

namespace xbarmc::study {

StudyOutcome compute_outcome(const std::vector<std::uint32_t>& correct,
                             const std::vector<double>& times_s, std::uint64_t n_chips,
                             std::uint64_t n_images, const std::vector<std::string>& specs,
                             const std::vector<double>& thresholds) {
  const std::size_t n_times = times_s.size(), n_specs = specs.size();
  if (correct.size() != n_times * n_chips || thresholds.size() != n_specs || n_images == 0) {
    throw InternalError("compute_outcome: inconsistent sizes");
  }
  StudyOutcome o;
  o.times_s = times_s;
  o.n_chips = n_chips;
  o.n_images = n_images;
  o.specs = specs;
  o.thresholds = thresholds;
  o.yield_fraction.resize(n_times * n_specs);
  o.wilson_low.resize(n_times * n_specs);
  o.wilson_high.resize(n_times * n_specs);
  std::vector<double> accuracy(n_chips);
  for (std::size_t k = 0; k < n_times; ++k) {
    for (std::uint64_t c = 0; c < n_chips; ++c) {
      accuracy[c] = static_cast<double>(correct[k * n_chips + c]) / static_cast<double>(n_images);
    }
    o.summary.push_back(summarize(accuracy));
    for (std::size_t s = 0; s < n_specs; ++s) {
      std::uint64_t good = 0;
      for (double a : accuracy) good += meets_threshold(a, thresholds[s]) ? 1 : 0;
      const Interval w = wilson_interval(good, n_chips);
      o.yield_fraction[k * n_specs + s] = static_cast<double>(good) / static_cast<double>(n_chips);
      o.wilson_low[k * n_specs + s] = w.low;
      o.wilson_high[k * n_specs + s] = w.high;
    }
  }
  o.checksum = counts_checksum(correct);
  return o;
}

}  // namespace xbarmc::study
