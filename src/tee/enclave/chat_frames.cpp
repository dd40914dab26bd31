// The "chat" request frame of the enclave socket, both ways.
#include <limits>
#include <nlohmann/json.hpp>

#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::tee {

using nlohmann::json;

std::string ChatRequestFrame(const ChatAnswerInput& input) {
  json j{{"method", "chat"},
         {"node_id", ToHex(input.node_id)},
         {"signed_request", json::parse(protocol::SignedRequestToJson(input.signed_request))},
         {"request", ToHex(protocol::EncodeChatRequest(input.request))},
         {"max_completion", input.max_completion}};
  return j.dump();
}

Result<ChatAnswerInput> ChatRequestFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Error(Code::kParse, "chat: request is not a JSON object");
  ChatAnswerInput in;
  if (!j.contains("node_id") || !j["node_id"].is_string())
    return Error(Code::kInvalidArgument, "node_id: missing or not a hex string");
  auto node = FromHex(j["node_id"].get<std::string>());
  if (!node.ok()) return node.status().WithContext("node_id");
  if (node->size() != in.node_id.size())
    return Error(Code::kInvalidArgument,
                 "node_id: " + std::to_string(node->size()) + " bytes, expected 32");
  std::copy(node->begin(), node->end(), in.node_id.begin());
  if (!j.contains("signed_request") || !j["signed_request"].is_object())
    return Error(Code::kInvalidArgument, "signed_request: missing or not an object");
  auto sr = protocol::SignedRequestFromJson(j["signed_request"].dump());
  if (!sr.ok()) return sr.status().WithContext("signed_request");
  in.signed_request = std::move(sr).value();
  if (!j.contains("request") || !j["request"].is_string())
    return Error(Code::kInvalidArgument, "request: missing or not a hex string");
  auto canonical = FromHex(j["request"].get<std::string>());
  if (!canonical.ok()) return canonical.status().WithContext("request");
  auto req = protocol::DecodeChatRequest(*canonical);
  if (!req.ok()) return req.status().WithContext("request");
  in.request = std::move(req).value();
  if (j.contains("max_completion")) {
    const json& m = j["max_completion"];
    if (!m.is_number_unsigned() || m.get<uint64_t>() > std::numeric_limits<uint32_t>::max())
      return Error(Code::kInvalidArgument, "max_completion: not an integer in [0, 2^32)");
    in.max_completion = m.get<uint32_t>();
  }
  return in;
}

}  // namespace vinet::tee
