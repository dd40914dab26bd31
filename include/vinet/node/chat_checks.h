// The node's checks of a chat request before it runs (docs/network.md, "LLM
// chat"), independent of HTTP, the chain and the engine.
//
// `DecodeChatHeader` reads the `X-Vinet-Request` header (base64 of the
// SignedRequest protobuf): missing, not base64 or not a SignedRequest →
// kUnauthenticated (the request cannot be attributed to a client), the
// header size bounded before decoding. `CheckChatRequest` then checks, in
// order: the request's binding (request_binding.h: signature, chain id,
// node, validity window, as /v1/infer), that the payload is a
// chat in VANILLA or TEE mode, that the body's model is the signed model id
// (kInvalidArgument, param "model") and that ChatRequestHash of the parsed
// body equals the signed request_hash (kInvalidArgument). `MaxCompletion`
// prices the answer: kInsufficientFunds when max_fee does not pay the prompt
// and one completion token, else the number of completion tokens max_fee
// pays (at most `max_tokens`); overflow-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinet/common/result.h"
#include "vinet/node/request_binding.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/request.h"

namespace vinet::node {

inline constexpr size_t kMaxRequestHeaderBytes = 8192;

Result<protocol::SignedRequest> DecodeChatHeader(std::string_view header);

Status CheckChatRequest(const protocol::SignedRequest& signed_request,
                        const protocol::ChatRequest& request, const RequestBinding& binding);

struct ChatPrices {
  uint64_t fee_per_inference = 0;
  uint64_t price_in = 0;   // per prompt token
  uint64_t price_out = 0;  // per completion token
};

Result<uint32_t> MaxCompletion(const ChatPrices& prices, uint32_t prompt_tokens,
                               uint32_t max_tokens, uint64_t max_fee);

}  // namespace vinet::node
