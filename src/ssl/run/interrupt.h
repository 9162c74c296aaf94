// Ctrl-C (SIGINT) and SIGTERM during training: the handler only records the signal in an
// async-signal-safe flag; the training loop polls it at the end of each iteration, saves the full
// state there and returns, so the run resumes exactly where it stopped. A second signal while the
// first is pending ends the process the default way (a way out when no iteration is running,
// e.g. during feature extraction).
#pragma once

namespace semisam::ssl {

// Installs the handlers for SIGINT and SIGTERM for its lifetime and restores the previous ones
// after; clears any pending request on both ends. Not nestable.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// The signal received since the guard was installed (SIGINT or SIGTERM), or 0.
int pending_interrupt();

// "SIGINT", "SIGTERM" or "signal N".
const char* signal_name(int signal);

}  // namespace semisam::ssl
