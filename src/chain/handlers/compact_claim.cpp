#include "handlers/compact_claim.h"

#include <string>

namespace vinet::chain {
namespace {

constexpr size_t kMaxFinishReasonBytes = 16;  // "stop" | "length" | "cancelled"

Bytes Copy(ByteSpan b) {
  return Bytes(b.begin(), b.end());
}

std::string SizeError(const char* field, size_t want, size_t got) {
  return std::string("compact_claim.") + field + ": expected " + std::to_string(want) +
         " bytes, got " + std::to_string(got);
}

// The chat receipt the enclave signed into p.chat_receipt, or receipt_error.
void ExpandChat(const txpb::CompactClaim& c, ByteSpan node_id, ByteSpan enclave_key,
                PreparedClaim& p) {
  if (!c.has_chat()) {
    p.receipt_error = "compact_claim.chat: missing for a chat request";
    return;
  }
  if (!c.output_hash().empty()) {
    p.receipt_error = "compact_claim.output_hash: must be empty for a chat request";
    return;
  }
  const txpb::CompactChat& chat = c.chat();
  if (chat.finish_reason().size() > kMaxFinishReasonBytes) {
    p.receipt_error =
        "compact_claim.chat.finish_reason: " + std::to_string(chat.finish_reason().size()) +
        " bytes exceed " + std::to_string(kMaxFinishReasonBytes);
    return;
  }
  protocol::ChatReceipt r;
  r.inference_id = Copy(p.id);
  r.model_id = p.request->request.model_id;
  r.mode = protocol::Mode::kTee;
  r.request_hash = p.request->request.input_hash;
  r.seed = chat.seed();
  r.prompt_tokens = chat.prompt_tokens();
  r.completion_tokens = chat.completion_tokens();
  r.finish_reason = chat.finish_reason();
  r.tokens_hash = Copy(AsBytes(chat.tokens_hash()));
  r.text_hash = Copy(AsBytes(chat.text_hash()));
  r.node_id = Copy(node_id);
  r.enclave_key = Copy(enclave_key);
  r.chunks = chat.chunks();
  if (auto s = protocol::ValidateChatReceipt(r); !s.ok()) {
    p.receipt_error = "compact_claim.chat: " + s.message();
    return;
  }
  p.chat_receipt = std::move(r);
}

void ExpandInference(const txpb::CompactClaim& c, ByteSpan node_id, ByteSpan enclave_key,
                     PreparedClaim& p) {
  if (c.has_chat()) {
    p.receipt_error = "compact_claim.chat: present for an inference request";
    return;
  }
  if (c.output_hash().size() != 32) {
    p.receipt_error = SizeError("output_hash", 32, c.output_hash().size());
    return;
  }
  protocol::Receipt r;
  r.inference_id = Copy(p.id);
  r.model_id = p.request->request.model_id;
  r.mode = protocol::Mode::kTee;
  r.input_hash = p.request->request.input_hash;
  r.output_hash = Copy(AsBytes(c.output_hash()));
  r.node_id = Copy(node_id);
  r.enclave_key = Copy(enclave_key);
  if (auto s = protocol::ValidateReceipt(r); !s.ok()) {
    p.receipt_error = "compact_claim: " + s.message();
    return;
  }
  p.receipt = std::move(r);
}

}  // namespace

PreparedClaim PrepareCompactClaim(const txpb::CompactClaim& c, ByteSpan node_id,
                                  ByteSpan enclave_key) {
  PreparedClaim p;
  p.compact = true;
  auto decoded = protocol::DecodeRequestBody(AsBytes(c.request_body()), AsBytes(c.client_pubkey()));
  if (!decoded.ok()) {
    p.request_error = "compact_claim: " + decoded.status().message();
    return p;
  }
  p.request = std::move(*decoded);
  p.id = protocol::InferenceId(*p.request);
  if (p.request->request.mode != protocol::Mode::kTee) {
    p.receipt_error = "compact_claim.request_body: mode " +
                      std::string(protocol::ModeName(p.request->request.mode)) +
                      ": only TEE claims travel compact";
    return p;
  }
  if (enclave_key.size() != 32) {
    p.receipt_error =
        "batch.enclave_key: expected 32 bytes, got " + std::to_string(enclave_key.size());
    return p;
  }
  if (p.request->request.kind == protocol::PayloadKind::kChat) {
    ExpandChat(c, node_id, enclave_key, p);
  } else {
    ExpandInference(c, node_id, enclave_key, p);
  }
  return p;
}

}  // namespace vinet::chain
