// How a `vinet` command prints its result (docs/cli.md): text for people by
// default, one JSON object on one line with --json for programs.
#pragma once

#include <nlohmann/json.hpp>

namespace vinet::cli {

// --json: `value` on one line. Otherwise one "key: value" line per member of
// the object `value` (strings bare, anything else as JSON).
void PrintJsonOrText(bool as_json, const nlohmann::json& value);

}  // namespace vinet::cli
