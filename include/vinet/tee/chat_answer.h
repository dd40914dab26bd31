// Answering a chat request with a signed stream and a receipt: the one
// procedure the enclave (TEE mode, enclave key signs, node co-signs later)
// and a VANILLA node (node key signs) both run (docs/chat.md).
//
// `AnswerChat` checks that `request` is what the client signed (its
// ChatRequestHash equals the signed payload's hash, same model and mode, the
// payload is a chat) and that the inference id is the signed request's,
// runs the runner, turns each delta into a signed `ChatChunk` (splitting
// deltas beyond the chunk limits), hands it to `on_chunk`, and returns the
// receipt over exactly the chunks handed out. `on_chunk` returning false
// (the client went away) or `stop_after` (see below) ends the stream with
// finish_reason "cancelled". TEE mode: the receipt carries the enclave key
// and signature, node_signature is left for the node. VANILLA: the signer is
// the node key and the receipt is node-signed.
//
// `stop_after` (optional) is polled before each chunk and once more before
// the receipt: returning n ends generation with a receipt over exactly the
// first n chunks handed out ("cancelled"; the enclave's "stop" method). n
// larger than the chunks handed out so far is kInvalidArgument.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/chat_runner.h"

namespace vinet::tee {

struct ChatAnswerInput {
  protocol::SignedRequest signed_request;  // verified by the caller or here (see below)
  protocol::ChatRequest request;
  crypto::PublicKey node_id{};
  uint32_t max_completion = 0;  // cap from the client's max fee (0 = none)
};

struct ChatAnswer {
  protocol::ChatReceipt receipt;
  std::string text;  // the completion text the receipt covers
  std::vector<int32_t> tokens;
};

using ChatStopPoll = std::function<std::optional<uint32_t>()>;

// Verifies the client's signature (kUnauthenticated) and the bindings above
// (kInvalidArgument), then answers. `signer` is the enclave key (mode TEE) or
// the node key (mode VANILLA; must equal node_id).
Result<ChatAnswer> AnswerChat(ChatRunner& runner, const ChatAnswerInput& input,
                              const crypto::SecretKey& signer,
                              const std::function<bool(const protocol::ChatChunk&)>& on_chunk,
                              const ChatStopPoll& stop_after = {});

}  // namespace vinet::tee
