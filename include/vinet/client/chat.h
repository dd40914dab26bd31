// Verifiable chat for the C++ client (docs/chat.md, docs/network.md "LLM chat").
//
// `Client::Chat` builds the OpenAI body of a `protocol::ChatRequest`, signs a
// chat request envelope over its canonical hash (header X-Vinet-Request),
// posts it to the node's /v1/chat/completions and verifies the answer as it
// arrives: each signed chunk goes through `protocol::ChatStreamVerifier`
// before `on_chunk` sees it (an altered, dropped, reordered or foreign chunk
// fails at once), the text shown must be the signed text, and at the end the
// receipt must be signed (node; in TEE mode also the enclave, whose key is
// attested with a fresh nonce under the client's roots before its first
// chunk is accepted), name this request (inference id, model, mode, request
// hash, node) and cover exactly the chunks received. The fee the node
// announces must equal the chain's prices applied to the receipt's token
// counts; `Client::WaitChatSettled` checks the chain charged exactly that.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/protocol/request.h"

namespace vinet::client {

// A chat model's prices on chain (the /model/<id> record).
struct ChatPrices {
  uint64_t fee_per_inference = 0;
  uint64_t price_in = 0;   // per prompt token
  uint64_t price_out = 0;  // per completion token
};

struct ChatCall {
  protocol::ChatRequest request;
  protocol::Mode mode = protocol::Mode::kTee;
  bool stream = true;
  // Default: the worst case at the chain's prices (all of max_tokens, and a
  // prompt bound of the content bytes plus the template's tokens).
  std::optional<uint64_t> max_fee;
};

struct ChatResult {
  std::string inference_id;  // hex
  protocol::SignedRequest request;
  protocol::ChatRequest chat;
  protocol::ChatReceipt receipt;  // verified
  std::string text;               // the signed completion text
  std::vector<int32_t> tokens;
  uint32_t chunks = 0;
  uint64_t max_fee = 0;
  uint64_t fee = 0;  // the chain's prices × the receipt's token counts
  int64_t sent_ms = 0, first_token_ms = 0, received_ms = 0;  // client wall clock
};

// Called with each chunk once it verified; returning false drops the
// connection (the node then charges only what it delivered) and Chat
// returns kUnavailable naming the inference.
using ChatChunkCallback = std::function<bool(const protocol::ChatChunk&)>;

// The most a request can cost at `prices` (what ChatCall::max_fee defaults to).
Result<uint64_t> WorstCaseChatFee(const protocol::ChatRequest& request, const ChatPrices& prices);

// The OpenAI body for `request` (stream and include_usage as given).
std::string ChatBody(const protocol::ChatRequest& request, bool stream);

}  // namespace vinet::client
