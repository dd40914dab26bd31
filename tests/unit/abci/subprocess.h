// Runs a child process for tests: argv[0] is an absolute path, `input` is
// written to its stdin, stdout and stderr are captured together. The child
// gets its own process group; on timeout the whole group is killed with
// SIGKILL. Always waits for the child, so nothing outlives the call.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace vinet::abci::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or on timeout
  bool timed_out = false;
  std::string output;  // stdout and stderr, interleaved
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input,
                         std::chrono::milliseconds timeout);

// A child process running in the background, in its own process group, with
// stdout and stderr appended to `log_path`. The destructor (or Kill) sends
// SIGKILL to the whole group and reaps the child, so a failing test cannot
// leave it running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~BackgroundProcess() { Kill(); }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }
  bool Running();  // false once the child has exited (reaps it)
  void Kill();

 private:
  int pid_ = -1;
};

// The first executable named `name` in $PATH, $GOPATH/bin, $HOME/go/bin or
// /root/go/bin; empty if none.
std::string FindExecutable(const std::string& name);

}  // namespace vinet::abci::testing
