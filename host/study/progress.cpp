#include "study/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace xbarmc::study {
namespace {
constexpr int kBarWidth = 30;
constexpr double kBarRedrawS = 0.2;
}  // namespace

Progress::Progress(std::uint64_t total_chips, std::uint64_t chips_done, Mode mode,
                   double line_interval_s, std::FILE* out)
    : total_(total_chips),
      start_done_(chips_done),
      mode_(mode),
      line_interval_s_(line_interval_s),
      out_(out),
      start_(Clock::now()) {}

Progress::Mode Progress::mode_for_stderr(bool quiet) {
  if (quiet) return Mode::kQuiet;
  return ::isatty(STDERR_FILENO) ? Mode::kBar : Mode::kLines;
}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "--:--";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

std::string Progress::status_text(std::uint64_t chips_done, double elapsed_s) const {
  const double new_chips = static_cast<double>(chips_done - std::min(chips_done, start_done_));
  const double rate = elapsed_s > 0.0 ? new_chips / elapsed_s : 0.0;
  const double left = static_cast<double>(total_ - std::min(total_, chips_done));
  const double eta = rate > 0.0 ? left / rate : -1.0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%llu/%llu chips  %.2f chips/s  elapsed %s  ETA %s",
                static_cast<unsigned long long>(chips_done),
                static_cast<unsigned long long>(total_), rate, format_duration(elapsed_s).c_str(),
                chips_done >= total_ ? "0:00" : format_duration(eta).c_str());
  return buf;
}

void Progress::draw(std::uint64_t chips_done, double elapsed_s) {
  if (mode_ == Mode::kBar) {
    const double frac = total_ ? static_cast<double>(chips_done) / static_cast<double>(total_) : 1;
    const int filled = static_cast<int>(frac * kBarWidth);
    std::string bar(static_cast<std::size_t>(kBarWidth), ' ');
    for (int i = 0; i < filled && i < kBarWidth; ++i) bar[static_cast<std::size_t>(i)] = '#';
    std::fprintf(out_, "\r[%s] %3.0f%%  %s\x1b[K", bar.c_str(), 100.0 * frac,
                 status_text(chips_done, elapsed_s).c_str());
    drew_bar_ = true;
  } else {
    std::fprintf(out_, "progress: %s\n", status_text(chips_done, elapsed_s).c_str());
  }
  std::fflush(out_);
  last_draw_s_ = elapsed_s;
}

void Progress::update(std::uint64_t chips_done) {
  if (mode_ == Mode::kQuiet) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double interval = mode_ == Mode::kBar ? kBarRedrawS : line_interval_s_;
  if (elapsed - last_draw_s_ >= interval) draw(chips_done, elapsed);
}

void Progress::finish(std::uint64_t chips_done) {
  if (mode_ == Mode::kQuiet) return;
  draw(chips_done, std::chrono::duration<double>(Clock::now() - start_).count());
  if (drew_bar_) std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace xbarmc::study
