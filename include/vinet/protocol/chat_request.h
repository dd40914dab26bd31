// LLM chat requests: the OpenAI-compatible JSON a client sends, and the
// canonical form the client signs, the enclave runs and a replay re-runs.
//
// `ParseChatCompletion` reads an OpenAI `POST /v1/chat/completions` body.
// It keeps what decides the answer (model, messages, max tokens, sampling
// parameters, seed, stop sequences) in a `ChatRequest`, and how to deliver
// it (`stream`, `stream_options.include_usage`) beside. It refuses, with an
// error whose message starts with the offending parameter ("messages[2].role:
// ..."), anything it would otherwise have to ignore silently: n != 1, tools,
// function calls, logprobs, non-text response formats, penalties or
// logit_bias other than neutral, unknown roles, non-text content parts,
// more than kMaxStop stop sequences. Limits are checked before work: the body
// size first (kMaxChatBodyBytes), then counts and lengths. Unknown top-level
// fields that do not change the answer (`user`, `metadata`, `store`) are
// accepted; any other unknown field is refused (kUnsupported).
//
// Canonical form (docs/chat.md), CBOR shortest form, definite lengths:
//   [1, model_id, [[role, content], ...], max_tokens, temperature_f32_bits,
//    top_p_f32_bits, top_k, seed | null, [stop, ...]]
// ChatRequestHash = SHA-256("vinet.chat.request.v1\0" || canonical bytes).
// Temperature and top_p are rounded to float32 once, at parsing; the
// canonical form carries their IEEE-754 bit patterns, so the hash never
// depends on how a decimal was printed. `DecodeChatRequest` accepts only the
// canonical form (it re-encodes and compares).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"

namespace vinet::protocol {

inline constexpr size_t kMaxChatBodyBytes = 1 << 20;  // the HTTP body
inline constexpr size_t kMaxChatMessages = 256;
inline constexpr size_t kMaxChatContentBytes = 256 << 10;  // all contents together
inline constexpr size_t kMaxStop = 4;
inline constexpr size_t kMaxStopBytes = 64;
inline constexpr uint32_t kDefaultChatMaxTokens = 256;  // when the body gives none
inline constexpr uint32_t kMaxChatMaxTokens = 1 << 16;

struct ChatTurn {
  std::string role;  // "system", "user" or "assistant" ("developer" is read as "system")
  std::string content;
  friend bool operator==(const ChatTurn&, const ChatTurn&) = default;
};

struct ChatRequest {
  std::string model_id;  // the chain's model id (hex SHA-256 of the GGUF file)
  std::vector<ChatTurn> messages;
  uint32_t max_tokens = kDefaultChatMaxTokens;  // 1..kMaxChatMaxTokens
  float temperature = 1.0f;                     // [0, 2] (OpenAI's range and default)
  float top_p = 1.0f;                           // (0, 1]
  uint32_t top_k = 0;                           // 0 = no limit (an extension)
  std::optional<uint64_t> seed;                 // absent: the server draws one and reports it
  std::vector<std::string> stop;                // at most kMaxStop, each 1..kMaxStopBytes
  friend bool operator==(const ChatRequest&, const ChatRequest&) = default;
};

struct ChatCompletionParams {
  ChatRequest request;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

// Errors: kParse (not JSON, wrong types), kInvalidArgument (values out of
// range, empty messages), kUnsupported (parameters vinet does not offer),
// kOutOfRange (size limits). The message starts with the parameter name.
Result<ChatCompletionParams> ParseChatCompletion(std::string_view json_body);

// Range checks shared by the parser and the decoder.
Status ValidateChatRequest(const ChatRequest& request);

Bytes EncodeChatRequest(const ChatRequest& request);
Result<ChatRequest> DecodeChatRequest(ByteSpan canonical);
crypto::Digest256 ChatRequestHash(const ChatRequest& request);

}  // namespace vinet::protocol
