// The SIGINT/SIGTERM flag: set by the handler, read by the training loop.
#include "ssl/run/interrupt.h"

#include <csignal>
#include <cstdio>

namespace semisam::ssl {
namespace {

volatile std::sig_atomic_t g_pending = 0;
struct sigaction g_previous_int, g_previous_term;

// Only async-signal-safe work: store the number, or on a second signal restore the default
// action and re-raise it.
extern "C" void on_interrupt(int signal) {
  if (g_pending != 0) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_pending = signal;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_pending = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in progress carry on; the loop polls the flag
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
  g_pending = 0;
}

int pending_interrupt() { return g_pending; }

const char* signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  static thread_local char text[32];
  std::snprintf(text, sizeof text, "signal %d", signal);
  return text;
}

}  // namespace semisam::ssl
