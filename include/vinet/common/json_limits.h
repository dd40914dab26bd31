// Untrusted JSON text (HTTP bodies, websocket frames): limits checked before
// any parsing work, in one linear pass.
//
// `ParseUntrustedJson(text, limits, what)` returns the document, or a kParse
// error naming `what` and a byte offset when:
//   - the text is longer than `limits.max_bytes` (checked first, nothing read);
//   - arrays/objects nest deeper than `limits.max_depth` (the offset of the
//     first bracket too deep): nlohmann's dump, copy and comparison recurse
//     once per level, and so do callers walking a document, so a few MB of
//     "[[[[" would overflow a thread's stack;
//   - the text is not JSON (nlohmann's message, which names the offset).
// Every error is a Status (nlohmann's exceptions, e.g. a number overflowing a
// double, are caught). Time is linear in the text's size: the depth scan is
// one pass over the bytes (strings and escapes skipped) and nlohmann's parser
// is iterative.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet {

struct JsonLimits {
  size_t max_bytes = 0;
  size_t max_depth = 64;
};

// kParse "<what>: ..." on the first limit the text breaks (see above).
Status CheckJsonLimits(std::string_view text, const JsonLimits& limits, std::string_view what);

Result<nlohmann::json> ParseUntrustedJson(std::string_view text, const JsonLimits& limits,
                                          std::string_view what);

}  // namespace vinet
