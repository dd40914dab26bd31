// Progress lines for CLI steps that can take longer than a second: one line
// on stderr per step, "<command>: <step>... (<seconds since the start> s)",
// so that stdout stays the command's result (text or --json) and a person
// sees what is being waited for. Not thread-safe (CLI main thread).
#pragma once

#include <string_view>

namespace vinet::cli {

// Prints "<command>: <step>... (T s)" on stderr and flushes. `command` names
// the command ("devnet up"); T counts from the process's start.
void Progress(std::string_view command, std::string_view step);

}  // namespace vinet::cli
