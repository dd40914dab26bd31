#include "vinet/node/http_body.h"

#include "vinet/common/json_limits.h"

namespace vinet::node {

Result<nlohmann::json> ParseBody(std::string_view text) {
  return ParseUntrustedJson(text, JsonLimits{kMaxBodyBytes, kMaxBodyDepth}, "body");
}

}  // namespace vinet::node
