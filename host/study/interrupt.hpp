// Ctrl-C and kill during a study: the first SIGINT/SIGTERM only sets a flag, the
// study finishes the chip batch in flight, records it in the partial results file
// and stops, so --resume can continue; a second signal ends the process at once
// (the partial file then still holds every batch recorded before).
#pragma once

namespace xbarmc::study {

// Installs the handlers for the lifetime of the object and restores the previous
// ones afterwards.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The signal received (SIGINT, SIGTERM) or 0.
  static int signal_received();
};

}  // namespace xbarmc::study
