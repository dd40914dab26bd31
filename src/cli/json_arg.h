// A JSON document given on the command line (`--input`): inline JSON (the
// value starts with '{' or '[' after blanks), "-" for stdin, or else the path
// of a JSON file. The same rule for every command that takes JSON inputs
// (`infer`, `run`, `zk prove`, `zk verify`).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet::cli {

// Parses `value` as above. Errors name `flag` and where the input came from:
// kParse with the byte offset for malformed JSON, kNotFound for a missing
// file (saying that inline JSON starts with '{' or '['), kIo for an
// unreadable one.
Result<nlohmann::json> ReadJsonArg(std::string_view flag, const std::string& value);

}  // namespace vinet::cli
