// Process-wide structured logging on top of spdlog.
//
// `InitLogging` configures the default logger once per process (stderr,
// level from the argument or the VINET_LOG environment variable: trace,
// debug, info, warn, error, off). Components log through spdlog's free
// functions (spdlog::info(...)) after that; nothing here owns threads.
#pragma once

#include <string_view>

namespace vinet {

// `component` prefixes every line ("chain", "node", ...). Safe to call twice.
void InitLogging(std::string_view component, std::string_view level = "");

}  // namespace vinet
