// Process helpers for `vinet devnet`: spawn detached children, check and
// stop them, run a tool and capture its output, pick free loopback ports.
//
// Every process we spawn leads its own session (setsid), so stopping it
// signals its whole process group. Stop refuses to signal a pid whose
// command line does not contain an expected marker (guards against pid reuse).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "vinet/common/result.h"

namespace vinet::cli {

// Starts argv[0] (a path) with stdout/stderr appended to `log`, stdin from
// /dev/null, in a new session. Returns its pid. Errors: kIo.
Result<pid_t> SpawnDetached(const std::vector<std::string>& argv, const std::filesystem::path& log);

// True iff `pid` exists and is not a zombie.
bool IsAlive(pid_t pid);

// SIGTERM to the process group of `pid`, then SIGKILL after `grace`. No-op if
// the process is gone or its command line lacks `marker`. Returns true if it
// was running.
bool StopProcess(pid_t pid, const std::string& marker, std::chrono::milliseconds grace);

// Runs argv to completion and returns its stdout. Errors: kIo (non-zero exit,
// with the output in the message).
Result<std::string> RunCapture(const std::vector<std::string>& argv);

// `count` distinct free TCP ports on 127.0.0.1 (bound together, then released).
Result<std::vector<int>> FreePorts(int count);

// The cometbft binary: from PATH, else $(go env GOPATH)/bin. Errors: kNotFound.
Result<std::string> FindCometBft();

// Absolute path of the running executable.
std::string SelfExe();

}  // namespace vinet::cli
