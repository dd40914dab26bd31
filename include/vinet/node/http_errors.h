// How the node's errors look over HTTP (docs/network.md).
//
// `HttpStatusFor` maps a vinet error code to its HTTP status (400
// invalid_argument / parse / out_of_range, 401 unauthenticated, 402
// insufficient_funds, 403 permission, 404 not_found, 409 already_exists, 501
// unsupported, 503 unavailable / timeout, 500 otherwise). The ONNX endpoints
// answer {"error": {"code", "message"}}; the chat endpoints answer OpenAI's
// shape (`OpenAiError`): {"error": {"message", "type", "param", "code",
// "inference_id"}}, with 400 for kUnsupported (OpenAI has no 501), where `type` is OpenAI's class
// of the status (invalid_request_error, authentication_error, insufficient_quota, permission_error,
// service_unavailable, server_error), `param` the body parameter the message starts with
// ("messages[2].role: ..." → "messages[2].role") or null, `code` the vinet code name,
// `inference_id` hex or null.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"

namespace vinet::node {

int HttpStatusFor(Code code);

struct HttpError {
  int status = 500;
  nlohmann::json body;
};

HttpError OpenAiError(const Status& status, const std::string& inference_id_hex);

// The parameter a parser message names ("max_tokens: must be ..." →
// "max_tokens"), or "" when the message does not start with one.
std::string ErrorParam(const std::string& message);

}  // namespace vinet::node
