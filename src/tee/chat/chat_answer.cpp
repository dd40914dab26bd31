// AnswerChat: checks what the client signed, runs the chat runner, turns its
// deltas into signed chunks (split to the chunk limits) and signs a receipt
// over exactly the chunks handed out.
#include "vinet/tee/chat_answer.h"

#include <algorithm>
#include <optional>
#include <string>

namespace vinet::tee {
namespace {

// How many bytes of `text` from `at` fit `limit` without splitting a UTF-8
// character (a continuation byte never starts a chunk). Always > 0 when any
// text is left, even for a malformed run of continuation bytes.
size_t TextCut(std::string_view text, size_t at, size_t limit) {
  size_t n = std::min(limit, text.size() - at);
  if (at + n == text.size()) return n;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(text[at + cut]) & 0xC0) == 0x80) --cut;
  return cut > 0 ? cut : n;
}

Status CheckBindings(const ChatAnswerInput& input, const crypto::SecretKey& signer,
                     crypto::Digest256* request_hash) {
  const protocol::SignedRequest& sr = input.signed_request;
  VINET_RETURN_IF_ERROR(protocol::VerifyRequest(sr));
  const protocol::InferenceRequest& req = sr.request;
  if (req.kind != protocol::PayloadKind::kChat) {
    return Error(Code::kInvalidArgument, "signed_request: payload kind is " +
                                             std::string(protocol::PayloadKindName(req.kind)) +
                                             ", not chat");
  }
  VINET_RETURN_IF_ERROR(protocol::ValidateChatRequest(input.request).WithContext("request"));
  *request_hash = protocol::ChatRequestHash(input.request);
  if (!std::equal(req.input_hash.begin(), req.input_hash.end(), request_hash->begin(),
                  request_hash->end())) {
    return Error(Code::kInvalidArgument, "request: ChatRequestHash " + ToHex(*request_hash) +
                                             " differs from the signed input_hash " +
                                             ToHex(req.input_hash));
  }
  if (req.model_id != input.request.model_id) {
    return Error(Code::kInvalidArgument, "request: model_id \"" + input.request.model_id +
                                             "\" differs from the signed \"" + req.model_id + "\"");
  }
  if (req.node_pubkey != input.node_id) {
    return Error(Code::kInvalidArgument, "node_id: " + ToHex(input.node_id) +
                                             " is not the node the client asked (" +
                                             ToHex(req.node_pubkey) + ")");
  }
  if (req.mode == protocol::Mode::kVanilla) {
    if (signer.public_key() != input.node_id) {
      return Error(Code::kInvalidArgument,
                   "signer: a VANILLA answer is signed by the node key " + ToHex(input.node_id));
    }
  } else if (req.mode != protocol::Mode::kTee) {
    return Error(Code::kInvalidArgument, "signed_request: mode " +
                                             std::string(protocol::ModeName(req.mode)) +
                                             " is not offered for chat (VANILLA or TEE)");
  }
  return Status::Ok();
}

}  // namespace

Result<ChatAnswer> AnswerChat(ChatRunner& runner, const ChatAnswerInput& input,
                              const crypto::SecretKey& signer,
                              const std::function<bool(const protocol::ChatChunk&)>& on_chunk,
                              const ChatStopPoll& stop_after) {
  crypto::Digest256 request_hash{};
  VINET_RETURN_IF_ERROR(CheckBindings(input, signer, &request_hash));
  const protocol::InferenceRequest& req = input.signed_request.request;
  const crypto::Digest256 inference_id = protocol::InferenceId(input.signed_request);

  uint32_t cap = input.request.max_tokens;
  if (input.max_completion > 0) cap = std::min(cap, input.max_completion);

  protocol::ChatStreamSigner stream(inference_id, signer);
  std::optional<uint32_t> stop;  // chunks the receipt covers when cancelled
  Status stop_error;

  auto poll = [&]() -> bool {  // false: end generation
    if (!stop_after) return true;
    std::optional<uint32_t> n = stop_after();
    if (!n) return true;
    if (*n > stream.chunks()) {
      stop_error = Error(Code::kInvalidArgument, "stop: " + std::to_string(*n) + " chunks asked, " +
                                                     std::to_string(stream.chunks()) + " streamed");
    }
    stop = *n;
    return false;
  };

  auto on_delta = [&](const ChatDelta& delta) -> bool {
    size_t t = 0, x = 0;
    while (t < delta.tokens.size() || x < delta.text.size()) {
      if (!poll()) return false;
      size_t nt = std::min(protocol::kMaxChunkTokens, delta.tokens.size() - t);
      size_t nx = x < delta.text.size() ? TextCut(delta.text, x, protocol::kMaxChunkTextBytes) : 0;
      protocol::ChatChunk chunk = stream.Next(std::span<const int32_t>(delta.tokens.data() + t, nt),
                                              std::string_view(delta.text).substr(x, nx));
      t += nt;
      x += nx;
      if (on_chunk && !on_chunk(chunk)) {
        stop = stream.chunks() - 1;  // that chunk did not reach the client
        return false;
      }
    }
    return true;
  };

  VINET_ASSIGN_OR_RETURN(ChatOutcome outcome, runner.Run(input.request, cap, on_delta));
  if (!stop) poll();  // a stop that came with the last token still counts
  VINET_RETURN_IF_ERROR(stop_error);

  const uint32_t covered = stop ? *stop : stream.chunks();
  protocol::ChatStreamPrefix prefix = stream.Prefix(covered);
  if (!stop) {
    if (prefix.tokens != outcome.tokens || prefix.text != outcome.text) {
      return Error(Code::kInternal, "chat runner: the deltas do not add up to the outcome (" +
                                        std::to_string(prefix.tokens.size()) + " vs " +
                                        std::to_string(outcome.tokens.size()) + " tokens)");
    }
    if (outcome.tokens.size() > cap) {
      return Error(Code::kInternal, "chat runner: " + std::to_string(outcome.tokens.size()) +
                                        " tokens past the cap of " + std::to_string(cap));
    }
  }

  protocol::ChatReceipt r;
  r.inference_id = Bytes(inference_id.begin(), inference_id.end());
  r.model_id = input.request.model_id;
  r.mode = req.mode;
  r.request_hash = Bytes(request_hash.begin(), request_hash.end());
  r.seed = outcome.seed;
  r.prompt_tokens = outcome.prompt_tokens;
  r.completion_tokens = static_cast<uint32_t>(prefix.tokens.size());
  r.finish_reason = stop ? "cancelled" : outcome.finish_reason;
  auto tokens_hash = protocol::TokensHash(prefix.tokens);
  auto text_hash = crypto::Sha256(AsBytes(prefix.text));
  r.tokens_hash = Bytes(tokens_hash.begin(), tokens_hash.end());
  r.text_hash = Bytes(text_hash.begin(), text_hash.end());
  r.node_id = Bytes(input.node_id.begin(), input.node_id.end());
  r.chunks = covered;
  if (req.mode == protocol::Mode::kTee) {
    r.enclave_key = Bytes(signer.public_key().begin(), signer.public_key().end());
    protocol::SignChatAsEnclave(r, signer);
  } else {
    VINET_RETURN_IF_ERROR(protocol::SignChatAsNode(r, signer));
  }

  ChatAnswer answer;
  answer.receipt = std::move(r);
  answer.text = std::move(prefix.text);
  answer.tokens = std::move(prefix.tokens);
  return answer;
}

}  // namespace vinet::tee
