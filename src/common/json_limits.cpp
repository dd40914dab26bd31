#include "vinet/common/json_limits.h"

#include <string>

namespace vinet {

Status CheckJsonLimits(std::string_view text, const JsonLimits& limits, std::string_view what) {
  if (text.size() > limits.max_bytes) {
    return Error(Code::kParse, std::string(what) + ": " + std::to_string(text.size()) +
                                   " bytes exceed the limit of " +
                                   std::to_string(limits.max_bytes));
  }
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        return Error(Code::kParse, std::string(what) + ": nested deeper than " +
                                       std::to_string(limits.max_depth) + " levels at byte " +
                                       std::to_string(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;  // unbalanced brackets are the parser's to report
    }
  }
  return Status::Ok();
}

Result<nlohmann::json> ParseUntrustedJson(std::string_view text, const JsonLimits& limits,
                                          std::string_view what) {
  VINET_RETURN_IF_ERROR(CheckJsonLimits(text, limits, what));
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (1e99999)
    return Error(Code::kParse, std::string(what) + ": not JSON: " + e.what());
  }
}

}  // namespace vinet
