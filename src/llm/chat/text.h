// Small text helpers for the chat templates: Python's str.strip() (what the
// Jinja `trim` filter and `.strip()` do) over UTF-8, and the escapes of a
// Jinja string literal.
#pragma once

#include <string>
#include <string_view>

namespace vinet::llm::chat_internal {

// `s` without leading and trailing characters that Python's str.isspace()
// accepts (ASCII whitespace, U+001C..U+001F, U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). Bytes that are not
// valid UTF-8 are not whitespace.
std::string_view PyStrip(std::string_view s);

// Decodes the escapes Jinja string literals use (\n, \t, \r, \\, \', \").
// Other backslashes are kept as written.
std::string UnescapeLiteral(std::string_view s);

}  // namespace vinet::llm::chat_internal
