#include "cli/stop_signal.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace vinet::cli {
namespace {

int g_stop_fd = -1;
volatile sig_atomic_t g_signal = 0;

extern "C" void OnStopSignal(int sig) {
  g_signal = sig;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(g_stop_fd, &one, sizeof(one));
}

}  // namespace

void InstallStopSignals() {
  g_stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (g_stop_fd < 0) throw std::runtime_error("eventfd for the stop signals failed");
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForStopSignal() {
  // Unblocked only while waiting here: a signal pending for the process (no
  // other thread accepts it) is delivered to this thread then.
  sigset_t during;
  pthread_sigmask(SIG_SETMASK, nullptr, &during);
  sigdelset(&during, SIGINT);
  sigdelset(&during, SIGTERM);
  pollfd p{g_stop_fd, POLLIN, 0};
  while (g_signal == 0) {
    if (::ppoll(&p, 1, nullptr, &during) > 0) break;
  }
  return g_signal;
}

}  // namespace vinet::cli
