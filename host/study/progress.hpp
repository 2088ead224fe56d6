// Progress of a long study on stderr: on a terminal a bar redrawn in place (chips
// done, chips/s, ETA); otherwise (logs, CI) one plain line every few seconds; with
// --quiet nothing. The rate counts only chips simulated in this process, so a
// resumed run does not report the already finished chips as instantaneous.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace xbarmc::study {

class Progress {
 public:
  enum class Mode { kBar, kLines, kQuiet };

  Progress(std::uint64_t total_chips, std::uint64_t chips_done, Mode mode,
           double line_interval_s = 10.0, std::FILE* out = stderr);
  // The mode for stderr: quiet if asked, a bar on a terminal, lines otherwise.
  static Mode mode_for_stderr(bool quiet);

  void update(std::uint64_t chips_done);
  // Draws the final state and ends the bar's line.
  void finish(std::uint64_t chips_done);

  // "1:02:03" / "4:05"; "--:--" when unknown.
  static std::string format_duration(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  std::string status_text(std::uint64_t chips_done, double elapsed_s) const;
  void draw(std::uint64_t chips_done, double elapsed_s);

  std::uint64_t total_;
  std::uint64_t start_done_;
  Mode mode_;
  double line_interval_s_;
  std::FILE* out_;
  Clock::time_point start_;
  double last_draw_s_ = -1e9;
  bool drew_bar_ = false;
};

}  // namespace xbarmc::study
