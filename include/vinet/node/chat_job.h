// One chat request between its checks and its claim (node.h: PrepareChat,
// RunChat). A ChatJob is what `Node::PrepareChat` accepted: the signed
// request, the parsed body, the prices and the completion cap, and the hold
// on the client's funds (released when the job is destroyed). `ChatResult`
// is what `Node::RunChat` stored and claimed: the receipt (signed by the
// node, and by the enclave in TEE mode), the text and signed chunks it
// covers, and the fee the claim charges.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/node/chat_checks.h"
#include "vinet/node/chat_holds.h"
#include "vinet/node/chat_json.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/protocol/request.h"

namespace vinet::node {

struct ChatJob {
  protocol::SignedRequest signed_request;
  protocol::ChatCompletionParams params;
  Bytes inference_id;
  ChatMeta meta;  // id hex, model, created, mode, signer
  ChatPrices prices;
  uint32_t prompt_tokens = 0;
  uint32_t max_completion = 0;  // what max_fee pays (≤ max_tokens)
  std::string client;
  uint64_t funds = 0;  // the client's funds here when checked
  int64_t received_ms = 0;
  std::chrono::steady_clock::time_point t0;
  ChatHold hold;
};

struct ChatResult {
  protocol::ChatReceipt receipt;
  std::string text;
  std::vector<protocol::ChatChunk> chunks;  // exactly the receipt's
  uint64_t fee = 0;
  int64_t answered_ms = 0;
};

}  // namespace vinet::node
