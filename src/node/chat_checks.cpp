#include "vinet/node/chat_checks.h"

#include <algorithm>
#include <limits>

#include "vinet/chain/rpc_client.h"
#include "vinet/protocol/chat_receipt.h"

namespace vinet::node {
using protocol::Mode;

Result<protocol::SignedRequest> DecodeChatHeader(std::string_view header) {
  if (header.empty()) {
    return Error(Code::kUnauthenticated,
                 "X-Vinet-Request: missing (base64 of the signed request, docs/chat.md)");
  }
  if (header.size() > kMaxRequestHeaderBytes) {
    return Error(Code::kUnauthenticated, "X-Vinet-Request: " + std::to_string(header.size()) +
                                             " bytes, more than " +
                                             std::to_string(kMaxRequestHeaderBytes));
  }
  auto bytes = chain::Base64Decode(header);
  if (!bytes.ok()) {
    return Error(Code::kUnauthenticated,
                 "X-Vinet-Request: not base64: " + bytes.status().message());
  }
  auto req = protocol::DecodeSignedRequest(*bytes);
  if (!req.ok()) {
    return Error(Code::kUnauthenticated, "X-Vinet-Request: " + req.status().message());
  }
  return req;
}

Status CheckChatRequest(const protocol::SignedRequest& signed_request,
                        const protocol::ChatRequest& request, const RequestBinding& binding) {
  VINET_RETURN_IF_ERROR(CheckRequestBinding(signed_request, binding));
  const protocol::InferenceRequest& r = signed_request.request;
  if (r.kind != protocol::PayloadKind::kChat) {
    return Error(Code::kInvalidArgument,
                 "request.payload: not a chat request (tensor inferences go to /v1/infer)");
  }
  if (r.mode != Mode::kVanilla && r.mode != Mode::kTee) {
    return Error(Code::kInvalidArgument, "request.mode: chat runs in VANILLA or TEE mode, not " +
                                             std::string(protocol::ModeName(r.mode)));
  }
  if (request.model_id != r.model_id) {
    return Error(Code::kInvalidArgument, "model: \"" + request.model_id +
                                             "\" is not the signed request's model " + r.model_id);
  }
  auto h = protocol::ChatRequestHash(request);
  if (!std::equal(h.begin(), h.end(), r.input_hash.begin(), r.input_hash.end())) {
    return Error(Code::kInvalidArgument, "request.request_hash: the body's ChatRequestHash is " +
                                             ToHex(h) + ", the signed request says " +
                                             ToHex(r.input_hash));
  }
  return Status::Ok();
}

Result<uint32_t> MaxCompletion(const ChatPrices& prices, uint32_t prompt_tokens,
                               uint32_t max_tokens, uint64_t max_fee) {
  auto least = protocol::ChatFee(prices.fee_per_inference, prices.price_in, prices.price_out,
                                 prompt_tokens, 1);
  if (!least.ok() || *least > max_fee) {
    return Error(Code::kInsufficientFunds,
                 "request.max_fee " + std::to_string(max_fee) + " does not pay the prompt (" +
                     std::to_string(prompt_tokens) + " tokens) and one completion token: " +
                     (least.ok() ? std::to_string(*least) : std::string("overflows uint64")));
  }
  if (prices.price_out == 0) return max_tokens;
  uint64_t left = (max_fee - *least) / prices.price_out + 1;
  return static_cast<uint32_t>(std::min<uint64_t>(left, max_tokens));
}

}  // namespace vinet::node
