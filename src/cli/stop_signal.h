// How the long-running commands (`chain start`, `node start`, `enclave start`)
// wait for SIGINT/SIGTERM and stop cleanly.
//
// InstallStopSignals(), called first (before the command starts threads),
// installs a process-wide handler and blocks both signals in the calling
// thread, so threads started afterwards never see them. A handler rather than
// sigwait alone: threads that libraries start before main (OpenBLAS's pool)
// do not block the signals, and one delivered there would take the default
// action, killing the process mid-work; with the handler it only wakes the
// waiter. WaitForStopSignal() blocks until a signal arrived (wherever it was
// delivered) and returns its number.
#pragma once

namespace vinet::cli {

void InstallStopSignals();
int WaitForStopSignal();

}  // namespace vinet::cli
