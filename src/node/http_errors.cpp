#include "vinet/node/http_errors.h"

#include <cctype>

namespace vinet::node {

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kParse:
    case Code::kOutOfRange:
    case Code::kUnsupported:  // a mode or parameter this node does not offer: the caller's to fix
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kInsufficientFunds:
      return 402;
    case Code::kPermission:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
      return 409;
    case Code::kUnavailable:
    case Code::kTimeout:
      return 503;
    default:
      return 500;
  }
}

namespace {

std::string OpenAiType(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "insufficient_quota";
    case 403:
      return "permission_error";
    case 503:
      return "service_unavailable";
    default:
      return status < 500 ? "invalid_request_error" : "server_error";
  }
}

bool ParamChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' ||
         c == ']';
}

}  // namespace

std::string ErrorParam(const std::string& message) {
  size_t colon = message.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 64) return "";
  for (size_t i = 0; i < colon; ++i) {
    if (!ParamChar(message[i])) return "";
  }
  // "request.max_fee" and the like name the signed request, not the body.
  std::string p = message.substr(0, colon);
  if (p.starts_with("request.") || p == "request" || p == "body") return "";
  return p;
}

HttpError OpenAiError(const Status& status, const std::string& inference_id_hex) {
  HttpError e;
  e.status = HttpStatusFor(status.code());
  std::string param = ErrorParam(status.message());
  e.body = {{"error",
             {{"message", status.message()},
              {"type", OpenAiType(e.status)},
              {"param", param.empty() ? nlohmann::json(nullptr) : nlohmann::json(param)},
              {"code", std::string(CodeName(status.code()))},
              {"inference_id", inference_id_hex.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(inference_id_hex)}}}};
  return e;
}

}  // namespace vinet::node
