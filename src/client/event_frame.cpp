#include "vinet/client/event_frame.h"

#include <cstdlib>

#include "vinet/common/json_limits.h"

namespace vinet::client {
using json = nlohmann::json;

Result<std::optional<json>> ParseEventFrame(std::string_view text) {
  VINET_ASSIGN_OR_RETURN(json msg,
                         ParseUntrustedJson(text, JsonLimits{kMaxFrameBytes, kMaxFrameDepth},
                                            "chain websocket frame"));
  if (!msg.is_object()) return std::optional<json>();
  if (msg.contains("error")) {
    return Error(Code::kUnavailable, "chain websocket error: " + msg["error"].dump());
  }
  auto result = msg.find("result");
  if (result != msg.end() && result->is_object() && result->contains("data")) {
    return std::optional<json>(std::move(*result));
  }
  return std::optional<json>();
}

namespace {

std::optional<ClaimEvent> FindClaimEvent(const json& result, const std::string& inference_id) {
  const json* events = &result.at("data").at("value").at("TxResult").at("result").at("events");
  if (!events->is_array()) return std::nullopt;
  for (const auto& e : *events) {
    if (!e.is_object() || e.value("type", "") != "vinet.claim") continue;
    ClaimEvent out;
    std::string id;
    for (const auto& a : e.value("attributes", json::array())) {
      if (!a.is_object() || !a.contains("value") || !a["value"].is_string()) continue;
      std::string key = a.value("key", ""), value = a["value"];
      if (key == "id") id = value;
      if (key == "status") out.status = value;
      if (key == "height") out.height = std::strtoll(value.c_str(), nullptr, 10);
    }
    if (id != inference_id) continue;
    if (result.contains("events") && result["events"].is_object()) {
      const json& h = result["events"].value("tx.hash", json::array());
      if (h.is_array() && !h.empty() && h[0].is_string()) out.tx_hash = h[0];
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

// Messages come from the chain node: any shape that is not the expected one
// (missing keys, wrong types) means "not our event", never an exception.
std::optional<ClaimEvent> ClaimEventFor(const json& result, const std::string& inference_id) {
  try {
    return FindClaimEvent(result, inference_id);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace vinet::client
