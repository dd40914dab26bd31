// JSON forms of chat receipts and chunks (hex for bytes, mode by name).
#include <nlohmann/json.hpp>

#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_stream.h"

namespace vinet::protocol {
namespace {

using nlohmann::json;

Status Missing(std::string_view what, std::string_view field, std::string_view need) {
  return Error(Code::kParse, std::string(what) + "." + std::string(field) + ": missing or not " +
                                 std::string(need));
}

Result<json> ParseObject(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Error(Code::kParse, std::string(what) + ": not a JSON object");
  }
  return j;
}

Result<Bytes> Hex(const json& j, const char* field, std::string_view what) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string()) return Missing(what, field, "a hex string");
  auto b = FromHex(it->get<std::string>());
  if (!b.ok()) return b.status().WithContext(std::string(what) + "." + field);
  return b;
}

Result<std::optional<Bytes>> OptionalHex(const json& j, const char* field, std::string_view what) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::optional<Bytes>();
  VINET_ASSIGN_OR_RETURN(Bytes b, Hex(j, field, what));
  return std::optional<Bytes>(std::move(b));
}

template <size_t N>
Result<std::array<uint8_t, N>> Fixed(const json& j, const char* field, std::string_view what) {
  VINET_ASSIGN_OR_RETURN(Bytes b, Hex(j, field, what));
  if (b.size() != N) {
    return Error(Code::kParse,
                 std::string(what) + "." + field + ": need " + std::to_string(N) + " bytes");
  }
  std::array<uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

Result<uint64_t> Uint(const json& j, const char* field, std::string_view what, uint64_t max) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() > max) {
    return Missing(what, field, "an unsigned integer in range");
  }
  return it->get<uint64_t>();
}

Result<std::string> Str(const json& j, const char* field, std::string_view what) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string()) return Missing(what, field, "a string");
  return it->get<std::string>();
}

json OptionalHexJson(const std::optional<Bytes>& b) {
  return b ? json(ToHex(*b)) : json(nullptr);
}

}  // namespace

std::string ChatReceiptToJson(const ChatReceipt& r) {
  json j{{"inference_id", ToHex(r.inference_id)},
         {"model_id", r.model_id},
         {"mode", ModeName(r.mode)},
         {"request_hash", ToHex(r.request_hash)},
         {"seed", r.seed},
         {"prompt_tokens", r.prompt_tokens},
         {"completion_tokens", r.completion_tokens},
         {"finish_reason", r.finish_reason},
         {"tokens_hash", ToHex(r.tokens_hash)},
         {"text_hash", ToHex(r.text_hash)},
         {"node_id", ToHex(r.node_id)},
         {"enclave_key", OptionalHexJson(r.enclave_key)},
         {"enclave_signature", OptionalHexJson(r.enclave_signature)},
         {"node_signature", OptionalHexJson(r.node_signature)},
         {"chunks", r.chunks}};
  return j.dump();
}

Result<ChatReceipt> ChatReceiptFromJson(std::string_view text) {
  constexpr std::string_view kWhat = "chat_receipt";
  VINET_ASSIGN_OR_RETURN(json j, ParseObject(text, kWhat));
  ChatReceipt r;
  VINET_ASSIGN_OR_RETURN(r.inference_id, Hex(j, "inference_id", kWhat));
  VINET_ASSIGN_OR_RETURN(r.model_id, Str(j, "model_id", kWhat));
  VINET_ASSIGN_OR_RETURN(std::string mode, Str(j, "mode", kWhat));
  VINET_ASSIGN_OR_RETURN(r.mode, ParseMode(mode));
  VINET_ASSIGN_OR_RETURN(r.request_hash, Hex(j, "request_hash", kWhat));
  VINET_ASSIGN_OR_RETURN(r.seed, Uint(j, "seed", kWhat, UINT64_MAX));
  VINET_ASSIGN_OR_RETURN(uint64_t prompt, Uint(j, "prompt_tokens", kWhat, UINT32_MAX));
  VINET_ASSIGN_OR_RETURN(uint64_t completion, Uint(j, "completion_tokens", kWhat, UINT32_MAX));
  r.prompt_tokens = static_cast<uint32_t>(prompt);
  r.completion_tokens = static_cast<uint32_t>(completion);
  VINET_ASSIGN_OR_RETURN(r.finish_reason, Str(j, "finish_reason", kWhat));
  VINET_ASSIGN_OR_RETURN(r.tokens_hash, Hex(j, "tokens_hash", kWhat));
  VINET_ASSIGN_OR_RETURN(r.text_hash, Hex(j, "text_hash", kWhat));
  VINET_ASSIGN_OR_RETURN(r.node_id, Hex(j, "node_id", kWhat));
  VINET_ASSIGN_OR_RETURN(r.enclave_key, OptionalHex(j, "enclave_key", kWhat));
  VINET_ASSIGN_OR_RETURN(r.enclave_signature, OptionalHex(j, "enclave_signature", kWhat));
  VINET_ASSIGN_OR_RETURN(r.node_signature, OptionalHex(j, "node_signature", kWhat));
  VINET_ASSIGN_OR_RETURN(uint64_t chunks, Uint(j, "chunks", kWhat, UINT32_MAX));
  r.chunks = static_cast<uint32_t>(chunks);
  if (Status valid = ValidateChatReceipt(r); !valid.ok()) {
    return Error(Code::kParse, valid.message());
  }
  return r;
}

std::string ChatChunkToJson(const ChatChunk& c) {
  json j{{"index", c.index},
         {"tokens", c.tokens},
         {"text", c.text},
         {"running_hash", ToHex(c.running_hash)},
         {"signature", ToHex(c.signature)}};
  return j.dump();
}

Result<ChatChunk> ChatChunkFromJson(std::string_view text) {
  constexpr std::string_view kWhat = "chat_chunk";
  if (text.size() > 16 * kMaxChunkTextBytes) {
    return Error(Code::kOutOfRange,
                 "chat_chunk: larger than " + std::to_string(16 * kMaxChunkTextBytes) + " bytes");
  }
  VINET_ASSIGN_OR_RETURN(json j, ParseObject(text, kWhat));
  ChatChunk c;
  VINET_ASSIGN_OR_RETURN(uint64_t index, Uint(j, "index", kWhat, UINT32_MAX));
  c.index = static_cast<uint32_t>(index);
  auto tokens = j.find("tokens");
  if (tokens == j.end() || !tokens->is_array() || tokens->size() > kMaxChunkTokens) {
    return Missing(kWhat, "tokens", "an array of at most 64 token ids");
  }
  for (const json& t : *tokens) {
    if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() > INT32_MAX) {
      return Missing(kWhat, "tokens", "token ids in 0..2^31-1");
    }
    c.tokens.push_back(static_cast<int32_t>(t.get<int64_t>()));
  }
  VINET_ASSIGN_OR_RETURN(c.text, Str(j, "text", kWhat));
  if (c.text.size() > kMaxChunkTextBytes) return Missing(kWhat, "text", "within 4096 bytes");
  VINET_ASSIGN_OR_RETURN(c.running_hash, (Fixed<32>(j, "running_hash", kWhat)));
  VINET_ASSIGN_OR_RETURN(c.signature, (Fixed<64>(j, "signature", kWhat)));
  return c;
}

}  // namespace vinet::protocol
