// What a finished yield study found, computed from its correct counts: per-time
// accuracy statistics, yield per spec with Wilson intervals, and the checksum
// (printing it is study/summary_table.hpp's).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "stats/statistics.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {

struct StudyOutcome {
  std::vector<double> times_s;
  std::uint64_t n_chips = 0;
  std::uint64_t n_images = 0;
  std::vector<Summary> summary;  // [n_times]
  std::vector<std::string> specs;
  std::vector<double> thresholds;  // [n_specs] absolute accuracies
  // [n_times × n_specs]: fraction of chips with accuracy ≥ threshold, Wilson 95 %.
  std::vector<double> yield_fraction, wilson_low, wilson_high;
  std::uint64_t checksum = 0;  // counts_checksum of the [n_times × n_chips] counts
  // Write-verify (DESIGN §2.8), averaged over chips of each chip's figure over its
  // non-stuck cells; NaN without write-verify.
  double verify_mean_pulses = std::numeric_limits<double>::quiet_NaN();
  double verify_failed_fraction = std::numeric_limits<double>::quiet_NaN();
};

// Accuracy of chip c at time k = correct[k·n_chips + c] / n_images.
StudyOutcome compute_outcome(const std::vector<std::uint32_t>& correct,
                             const std::vector<double>& times_s, std::uint64_t n_chips,
                             std::uint64_t n_images, const std::vector<std::string>& specs,
                             const std::vector<double>& thresholds);

}  // namespace xbarmc::study
