// OpenAI chat completion bodies → canonical chat requests (chat_request.h).
#include "vinet/protocol/chat_request.h"

#include <bit>
#include <cmath>

#include <nlohmann/json.hpp>

#include "record_fields.h"
#include "vinet/cbor/cbor.h"
#include "vinet/common/json_limits.h"

namespace vinet::protocol {
namespace {

const RecordFields kFields("chat_request");

using nlohmann::json;

constexpr uint64_t kCanonicalVersion = 1;
constexpr std::string_view kHashDomain{"vinet.chat.request.v1\0", 22};
constexpr size_t kMaxJsonDepth = 32;
constexpr size_t kMaxModelIdBytes = 128;
constexpr uint32_t kMaxTopK = 1u << 20;

Status Bad(Code code, std::string_view param, std::string what) {
  return Error(code, std::string(param) + ": " + std::move(what));
}

Result<std::string> Text(const json& v, std::string_view param) {
  if (!v.is_string())
    return Bad(Code::kParse, param, std::string("expected a string, got ") + v.type_name());
  return v.get<std::string>();
}

Result<uint64_t> Unsigned(const json& v, std::string_view param) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    return Bad(Code::kInvalidArgument, param, "must not be negative");
  }
  return Bad(Code::kParse, param, std::string("expected an integer, got ") + v.type_name());
}

Result<float> Float(const json& v, std::string_view param) {
  if (!v.is_number())
    return Bad(Code::kParse, param, std::string("expected a number, got ") + v.type_name());
  double d = v.get<double>();
  if (!std::isfinite(d)) return Bad(Code::kInvalidArgument, param, "not finite");
  return static_cast<float>(d);
}

// A message's content: a string, or text parts joined without separator.
Result<std::string> Content(const json& v, const std::string& param) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) {
    return Bad(Code::kParse, param,
               std::string("expected a string or an array of text parts, got ") + v.type_name());
  }
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    const json& part = v[i];
    const std::string where = param + "[" + std::to_string(i) + "]";
    if (!part.is_object()) return Bad(Code::kParse, where, "expected an object");
    auto type = part.find("type");
    if (type == part.end() || !type->is_string() || *type != "text") {
      return Bad(Code::kUnsupported, where + ".type", "only \"text\" parts are supported");
    }
    auto text = part.find("text");
    if (text == part.end()) return Bad(Code::kParse, where + ".text", "missing");
    VINET_ASSIGN_OR_RETURN(std::string piece, Text(*text, where + ".text"));
    out += piece;
  }
  return out;
}

Result<std::string> Role(const json& v, const std::string& param) {
  VINET_ASSIGN_OR_RETURN(std::string role, Text(v, param));
  if (role == "developer") return std::string("system");
  if (role == "system" || role == "user" || role == "assistant") return role;
  if (role == "tool" || role == "function") {
    return Bad(Code::kUnsupported, param, "role \"" + role + "\" (tool calls) is not supported");
  }
  return Bad(Code::kInvalidArgument, param,
             "unknown role \"" + role + "\" (expected system, user or assistant)");
}

Result<std::vector<ChatTurn>> Messages(const json& v) {
  if (!v.is_array()) return Bad(Code::kParse, "messages", "expected an array");
  if (v.empty()) return Bad(Code::kInvalidArgument, "messages", "empty");
  if (v.size() > kMaxChatMessages) {
    return Bad(Code::kOutOfRange, "messages",
               std::to_string(v.size()) + " messages, at most " + std::to_string(kMaxChatMessages));
  }
  std::vector<ChatTurn> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const json& m = v[i];
    if (!m.is_object()) return Bad(Code::kParse, where, "expected an object");
    for (const auto& [key, value] : m.items()) {
      if (key != "role" && key != "content") {
        return Bad(Code::kUnsupported, where + "." + key, "not supported");
      }
    }
    if (!m.contains("role")) return Bad(Code::kInvalidArgument, where + ".role", "missing");
    if (!m.contains("content")) return Bad(Code::kInvalidArgument, where + ".content", "missing");
    ChatTurn turn;
    VINET_ASSIGN_OR_RETURN(turn.role, Role(m["role"], where + ".role"));
    VINET_ASSIGN_OR_RETURN(turn.content, Content(m["content"], where + ".content"));
    out.push_back(std::move(turn));
  }
  return out;
}

Result<std::vector<std::string>> Stop(const json& v) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return out;
  }
  if (!v.is_array()) return Bad(Code::kParse, "stop", "expected a string or an array of strings");
  for (size_t i = 0; i < v.size(); ++i) {
    VINET_ASSIGN_OR_RETURN(std::string s, Text(v[i], "stop[" + std::to_string(i) + "]"));
    out.push_back(std::move(s));
  }
  return out;
}

// Parameters that would change the answer in ways vinet does not offer are
// accepted only at their neutral value.
Status Neutral(const std::string& key, const json& v) {
  auto refuse = [&](std::string what) { return Bad(Code::kUnsupported, key, std::move(what)); };
  if (v.is_null()) return Status::Ok();
  if (key == "n") {
    if (v.is_number_integer() && v.get<int64_t>() == 1) return Status::Ok();
    return refuse("only one choice per request (n = 1)");
  }
  if (key == "presence_penalty" || key == "frequency_penalty") {
    if (v.is_number() && v.get<double>() == 0.0) return Status::Ok();
    return refuse("penalties are not supported (0 only)");
  }
  if (key == "logit_bias") {
    if (v.is_object() && v.empty()) return Status::Ok();
    return refuse("not supported");
  }
  if (key == "logprobs") {
    if (v.is_boolean() && !v.get<bool>()) return Status::Ok();
    return refuse("not supported");
  }
  if (key == "top_logprobs") {
    if (v.is_number_integer() && v.get<int64_t>() == 0) return Status::Ok();
    return refuse("not supported");
  }
  if (key == "response_format") {
    if (v.is_object() && v.contains("type") && v["type"] == "text") return Status::Ok();
    return refuse("only {\"type\": \"text\"} is supported");
  }
  if (key == "tools" || key == "functions") {
    if (v.is_array() && v.empty()) return Status::Ok();
    return refuse("tool calls are not supported");
  }
  if (key == "tool_choice" || key == "function_call") {
    if (v == "none") return Status::Ok();
    return refuse("tool calls are not supported");
  }
  return refuse("not supported");
}

bool IsNeutralKey(const std::string& key) {
  static const char* kKeys[] = {"n",         "presence_penalty", "frequency_penalty", "logit_bias",
                                "logprobs",  "top_logprobs",     "response_format",   "tools",
                                "functions", "tool_choice",      "function_call"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return false;
}

// Fields that say nothing about the answer.
bool IsIgnorableKey(const std::string& key) {
  return key == "user" || key == "metadata" || key == "store" || key == "parallel_tool_calls";
}

Status ReadStreamOptions(const json& v, ChatCompletionParams& out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_object()) return Bad(Code::kParse, "stream_options", "expected an object");
  for (const auto& [key, value] : v.items()) {
    if (key != "include_usage")
      return Bad(Code::kUnsupported, "stream_options." + key, "not supported");
    if (!value.is_boolean())
      return Bad(Code::kParse, "stream_options.include_usage", "expected a boolean");
    out.include_usage = value.get<bool>();
  }
  return Status::Ok();
}

Status ReadField(const std::string& key, const json& v, ChatCompletionParams& out,
                 std::optional<uint64_t>& max_tokens) {
  ChatRequest& r = out.request;
  if (key == "model") {
    VINET_ASSIGN_OR_RETURN(r.model_id, Text(v, "model"));
  } else if (key == "messages") {
    VINET_ASSIGN_OR_RETURN(r.messages, Messages(v));
  } else if (key == "max_tokens" || key == "max_completion_tokens") {
    if (v.is_null()) return Status::Ok();
    VINET_ASSIGN_OR_RETURN(uint64_t n, Unsigned(v, key));
    if (max_tokens && *max_tokens != n) {
      return Bad(Code::kInvalidArgument, key, "differs from the other max tokens parameter");
    }
    max_tokens = n;
  } else if (key == "temperature") {
    if (v.is_null()) return Status::Ok();
    VINET_ASSIGN_OR_RETURN(r.temperature, Float(v, key));
  } else if (key == "top_p") {
    if (v.is_null()) return Status::Ok();
    VINET_ASSIGN_OR_RETURN(r.top_p, Float(v, key));
  } else if (key == "top_k") {
    if (v.is_null()) return Status::Ok();
    VINET_ASSIGN_OR_RETURN(uint64_t k, Unsigned(v, key));
    if (k > kMaxTopK)
      return Bad(Code::kInvalidArgument, key, "at most " + std::to_string(kMaxTopK));
    r.top_k = static_cast<uint32_t>(k);
  } else if (key == "seed") {
    if (v.is_null()) return Status::Ok();
    VINET_ASSIGN_OR_RETURN(uint64_t seed, Unsigned(v, key));
    r.seed = seed;
  } else if (key == "stop") {
    VINET_ASSIGN_OR_RETURN(r.stop, Stop(v));
  } else if (key == "stream") {
    if (v.is_null()) return Status::Ok();
    if (!v.is_boolean()) return Bad(Code::kParse, key, "expected a boolean");
    out.stream = v.get<bool>();
  } else if (key == "stream_options") {
    return ReadStreamOptions(v, out);
  } else if (IsNeutralKey(key)) {
    return Neutral(key, v);
  } else if (!IsIgnorableKey(key)) {
    return Bad(Code::kUnsupported, key, "unknown parameter");
  }
  return Status::Ok();
}

Result<std::vector<ChatTurn>> TakeMessages(const cbor::Value& v) {
  if (v.type != cbor::Type::kArray) return kFields.Malformed("messages", "expected an array");
  std::vector<ChatTurn> out;
  for (const cbor::Value& m : v.items) {
    if (m.type != cbor::Type::kArray || m.items.size() != 2) {
      return kFields.Malformed("messages", "each message is [role, content]");
    }
    ChatTurn turn;
    VINET_ASSIGN_OR_RETURN(turn.role, kFields.Text(m.items[0], "messages.role"));
    VINET_ASSIGN_OR_RETURN(turn.content, kFields.Text(m.items[1], "messages.content"));
    out.push_back(std::move(turn));
  }
  return out;
}

}  // namespace

Status ValidateChatRequest(const ChatRequest& r) {
  if (r.model_id.empty()) return Bad(Code::kInvalidArgument, "model", "empty");
  if (r.model_id.size() > kMaxModelIdBytes) {
    return Bad(Code::kInvalidArgument, "model",
               "longer than " + std::to_string(kMaxModelIdBytes) + " bytes");
  }
  if (r.messages.empty()) return Bad(Code::kInvalidArgument, "messages", "empty");
  if (r.messages.size() > kMaxChatMessages) {
    return Bad(Code::kOutOfRange, "messages", "more than " + std::to_string(kMaxChatMessages));
  }
  size_t content = 0;
  for (size_t i = 0; i < r.messages.size(); ++i) {
    const std::string& role = r.messages[i].role;
    if (role != "system" && role != "user" && role != "assistant") {
      return Bad(Code::kInvalidArgument, "messages[" + std::to_string(i) + "].role",
                 "unknown role \"" + role + "\"");
    }
    content += r.messages[i].content.size();
  }
  if (content > kMaxChatContentBytes) {
    return Bad(Code::kOutOfRange, "messages",
               std::to_string(content) + " bytes of content, at most " +
                   std::to_string(kMaxChatContentBytes));
  }
  if (r.max_tokens < 1 || r.max_tokens > kMaxChatMaxTokens) {
    return Bad(
        Code::kInvalidArgument, "max_tokens",
        std::to_string(r.max_tokens) + " is outside 1.." + std::to_string(kMaxChatMaxTokens));
  }
  if (!(r.temperature >= 0.0f && r.temperature <= 2.0f)) {
    return Bad(Code::kInvalidArgument, "temperature", "outside [0, 2]");
  }
  if (!(r.top_p > 0.0f && r.top_p <= 1.0f)) {
    return Bad(Code::kInvalidArgument, "top_p", "outside (0, 1]");
  }
  if (r.top_k > kMaxTopK) return Bad(Code::kInvalidArgument, "top_k", "too large");
  if (r.stop.size() > kMaxStop) {
    return Bad(Code::kInvalidArgument, "stop",
               "at most " + std::to_string(kMaxStop) + " sequences");
  }
  for (size_t i = 0; i < r.stop.size(); ++i) {
    if (r.stop[i].empty() || r.stop[i].size() > kMaxStopBytes) {
      return Bad(Code::kInvalidArgument, "stop[" + std::to_string(i) + "]",
                 "length must be 1.." + std::to_string(kMaxStopBytes) + " bytes");
    }
  }
  return Status::Ok();
}

Result<ChatCompletionParams> ParseChatCompletion(std::string_view body) {
  if (body.size() > kMaxChatBodyBytes) {
    return Bad(
        Code::kOutOfRange, "body",
        std::to_string(body.size()) + " bytes, at most " + std::to_string(kMaxChatBodyBytes));
  }
  VINET_ASSIGN_OR_RETURN(json root,
                         ParseUntrustedJson(body, {kMaxChatBodyBytes, kMaxJsonDepth}, "body"));
  if (!root.is_object()) return Bad(Code::kParse, "body", "expected a JSON object");
  if (!root.contains("model")) return Bad(Code::kInvalidArgument, "model", "missing");
  if (!root.contains("messages")) return Bad(Code::kInvalidArgument, "messages", "missing");
  ChatCompletionParams out;
  std::optional<uint64_t> max_tokens;
  for (const auto& [key, value] : root.items()) {
    VINET_RETURN_IF_ERROR(ReadField(key, value, out, max_tokens));
  }
  if (max_tokens) {
    if (*max_tokens < 1 || *max_tokens > kMaxChatMaxTokens) {
      return Bad(
          Code::kInvalidArgument, "max_tokens",
          std::to_string(*max_tokens) + " is outside 1.." + std::to_string(kMaxChatMaxTokens));
    }
    out.request.max_tokens = static_cast<uint32_t>(*max_tokens);
  }
  VINET_RETURN_IF_ERROR(ValidateChatRequest(out.request));
  return out;
}

Bytes EncodeChatRequest(const ChatRequest& r) {
  cbor::Writer w;
  w.Array(9).Uint(kCanonicalVersion).Text(r.model_id).Array(r.messages.size());
  for (const ChatTurn& m : r.messages) w.Array(2).Text(m.role).Text(m.content);
  w.Uint(r.max_tokens).Uint(std::bit_cast<uint32_t>(r.temperature));
  w.Uint(std::bit_cast<uint32_t>(r.top_p)).Uint(r.top_k);
  if (r.seed) {
    w.Uint(*r.seed);
  } else {
    w.Null();
  }
  w.Array(r.stop.size());
  for (const std::string& s : r.stop) w.Text(s);
  return std::move(w).bytes();
}

Result<ChatRequest> DecodeChatRequest(ByteSpan canonical) {
  cbor::Limits limits;
  limits.max_bytes = 2 * kMaxChatBodyBytes;
  limits.max_items = 4 * kMaxChatMessages + 32;
  limits.allow_maps = false;
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(canonical, limits));
  if (root.type != cbor::Type::kArray || root.items.size() != 9) {
    return kFields.Malformed("envelope", "not an array of 9 items");
  }
  const auto& it = root.items;
  if (it[0].type != cbor::Type::kUnsigned || it[0].uint != kCanonicalVersion) {
    return kFields.Malformed("version", "unsupported (need 1)");
  }
  ChatRequest r;
  VINET_ASSIGN_OR_RETURN(r.model_id, kFields.Text(it[1], "model_id"));
  VINET_ASSIGN_OR_RETURN(r.messages, TakeMessages(it[2]));
  VINET_ASSIGN_OR_RETURN(r.max_tokens, kFields.Uint(it[3], "max_tokens", UINT32_MAX));
  VINET_ASSIGN_OR_RETURN(uint32_t temperature, kFields.Uint(it[4], "temperature", UINT32_MAX));
  VINET_ASSIGN_OR_RETURN(uint32_t top_p, kFields.Uint(it[5], "top_p", UINT32_MAX));
  r.temperature = std::bit_cast<float>(temperature);
  r.top_p = std::bit_cast<float>(top_p);
  VINET_ASSIGN_OR_RETURN(r.top_k, kFields.Uint(it[6], "top_k", UINT32_MAX));
  if (!it[7].IsNull()) {
    VINET_ASSIGN_OR_RETURN(r.seed, kFields.Uint(it[7], "seed"));
  }
  if (it[8].type != cbor::Type::kArray) return kFields.Malformed("stop", "expected an array");
  for (const cbor::Value& s : it[8].items) {
    VINET_ASSIGN_OR_RETURN(std::string stop, kFields.Text(s, "stop"));
    r.stop.push_back(std::move(stop));
  }
  if (Status valid = ValidateChatRequest(r); !valid.ok()) {
    return Error(Code::kParse, "chat_request: " + valid.message());
  }
  if (EncodeChatRequest(r) != Bytes(canonical.begin(), canonical.end())) {
    return kFields.Malformed("envelope", "not in canonical form");
  }
  return r;
}

crypto::Digest256 ChatRequestHash(const ChatRequest& request) {
  crypto::Sha256Hasher h;
  h.Update(AsBytes(kHashDomain));
  h.Update(EncodeChatRequest(request));
  return h.Finish();
}

}  // namespace vinet::protocol
