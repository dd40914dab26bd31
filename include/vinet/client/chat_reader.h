// Reading a node's chat answer as it arrives (docs/network.md "LLM chat"),
// the part of Client::Chat (client/chat.h) that parses what the node sends.
//
// `ChatAnswerReader` takes server-sent event bytes (`Feed`, any split) or a
// non-streamed chat.completion (`Whole`) and verifies as it goes: the signer
// the answer names must be the node's key (VANILLA) or pass `attest` (TEE);
// every signed chunk goes through protocol::ChatStreamVerifier before
// `on_chunk` sees it; the text shown to OpenAI clients must be the signed
// text. `Finish` checks the receipt (signatures; inference id, model, mode,
// request hash, node, seed; exactly the chunks accepted). Hostile input:
// each event is parsed with ParseUntrustedJson (kMaxChatEventBytes, depth
// 64) and every field's type is checked, so malformed answers are a Status
// (kParse / kVerification), never an exception; the whole answer is bounded
// by kMaxChatAnswerBytes. Time is linear in the bytes fed. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/protocol/request.h"

namespace vinet::client {

inline constexpr size_t kMaxChatEventBytes = size_t{1} << 20;
inline constexpr size_t kMaxChatAnswerBytes = size_t{64} << 20;

// What the answer must match: the signed request.
struct ChatExpectation {
  std::string inference_id;  // hex
  protocol::InferenceRequest request;
  std::optional<uint64_t> seed;  // the request's seed, if it gave one
  crypto::PublicKey node{};      // the node asked
};

struct ChatAnswer {
  protocol::ChatReceipt receipt;
  std::string text;
  std::vector<int32_t> tokens;
  uint32_t chunks = 0;
  int64_t first_chunk_ms = 0;  // when the first chunk verified (0: none)
};

class ChatAnswerReader {
 public:
  // `attest(key)`: Ok when `key` is an enclave key the client trusts.
  // `on_chunk` returning false stops reading (kUnavailable).
  ChatAnswerReader(ChatExpectation expect, std::function<Status(ByteSpan)> attest,
                   std::function<bool(const protocol::ChatChunk&)> on_chunk = {},
                   std::function<int64_t()> now_ms = {});

  Status SetSigner(std::string_view hex);
  Status Feed(std::string_view bytes);
  Status EndOfStream();
  Status Whole(std::string_view body);
  Result<ChatAnswer> Finish();
  // The fee the node announced ("vinet.fee"), if any.
  std::optional<uint64_t> fee() const { return fee_; }

 private:
  Status Line(std::string_view line);
  Status Event(std::string_view data);
  Status Envelope(const nlohmann::json& vinet);
  Status Accept(const nlohmann::json& chunk);

  ChatExpectation expect_;
  std::function<Status(ByteSpan)> attest_;
  std::function<bool(const protocol::ChatChunk&)> on_chunk_;
  std::function<int64_t()> now_ms_;
  crypto::PublicKey signer_{};
  std::optional<protocol::ChatStreamVerifier> verifier_;
  std::string buffer_, data_, shown_;
  size_t fed_ = 0;
  nlohmann::json receipt_;
  std::optional<uint64_t> fee_;
  int64_t first_chunk_ms_ = 0;
};

}  // namespace vinet::client
