// `xbarmc sweep` end to end (DESIGN §2.6): train (or reuse) one model per (method,
// weight bits), evaluate every grid point on val with the mc driver (threshold ratio
// calibrated per combination), choose best case and recommendation from val alone, run
// the full Monte Carlo on test once per chosen configuration, and write the results
// file (HDF5) and a Markdown report beside it. Each evaluation is an mc study written to
// <out>.runs/, so an interrupted sweep continues with --resume.
#pragma once

#include "sweep/sweep_config.hpp"
#include "sweep/sweep_driver.hpp"

namespace xbarmc::study {

class SweepModels;

// Evaluates a combination with run_mc_study into <runs>/<split>-<row>.h5 and reads the
// numbers back; a finished file of the same study is reused instead of rerun.
class McSweepEvaluator : public SweepEvaluator {
 public:
  McSweepEvaluator(const SweepConfig& config, SweepModels& models);
  SplitEvaluation evaluate(const Combination& c, std::size_t row, const std::string& split,
                           const std::string& threshold_ratio) override;

 private:
  const SweepConfig& config_;
  SweepModels& models_;
};

SweepSelection run_sweep_study(const SweepConfig& config);

}  // namespace xbarmc::study
