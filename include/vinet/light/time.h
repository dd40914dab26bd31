// Time values of CometBFT headers and votes: arithmetic and RFC 3339 text.
//
// `ParseTime` accepts what CometBFT writes, UTC only
// ("2026-12-06T07:49:04.123456789Z", 0-9 fractional digits), and returns
// kParse naming the problem otherwise; `FormatTime` writes nine digits.
// `AddNanos` saturates at the int64 range instead of overflowing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vinet/common/result.h"
#include "vinet/light/types.h"

namespace vinet::light {

Time AddNanos(Time t, int64_t ns);
std::string FormatTime(Time t);
Result<Time> ParseTime(std::string_view text);

}  // namespace vinet::light
