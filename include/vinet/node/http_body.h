// Request bodies of the node's HTTP API (POST /v1/infer): the limits checked
// before any parsing work, and the parse itself.
//
// A body is at most kMaxBodyBytes (cpp-httplib refuses a longer one before
// reading it) and JSON nested at most kMaxBodyDepth levels (a tensor of rank
// r nests r + 2); `ParseBody` checks both in one linear pass and then parses
// (vinet::ParseUntrustedJson), so an error names "body" and the byte offset.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet::node {

inline constexpr size_t kMaxBodyBytes = size_t{64} << 20;
inline constexpr size_t kMaxBodyDepth = 64;

Result<nlohmann::json> ParseBody(std::string_view text);

}  // namespace vinet::node
