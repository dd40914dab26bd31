// Chat receipts: canonical CBOR, signatures, fee (chat_receipt.h).
#include "vinet/protocol/chat_receipt.h"

#include "record_fields.h"
#include "vinet/cbor/cbor.h"

namespace vinet::protocol {
namespace {

const RecordFields kFields("chat_receipt");

constexpr size_t kItems = 16;
constexpr std::string_view kEnclaveDomain = "vinet-chat-receipt-enclave-v1";
constexpr std::string_view kNodeDomain = "vinet-chat-receipt-node-v1";

Bytes SignedFields(const ChatReceipt& r) {
  cbor::Writer w;
  w.Array(13).Bstr(r.inference_id).Text(r.model_id).Uint(static_cast<uint64_t>(r.mode));
  w.Bstr(r.request_hash).Uint(r.seed).Uint(r.prompt_tokens).Uint(r.completion_tokens);
  w.Text(r.finish_reason).Bstr(r.tokens_hash).Bstr(r.text_hash).Bstr(r.node_id);
  WriteOptionalBstr(w, r.enclave_key);
  w.Uint(r.chunks);
  return std::move(w).bytes();
}

bool Verify(ByteSpan key, const Bytes& message, const std::optional<Bytes>& signature) {
  if (key.size() != 32 || !signature || signature->size() != 64) return false;
  crypto::PublicKey pk;
  std::copy(key.begin(), key.end(), pk.begin());
  return crypto::Verify(pk, message, *signature);
}

}  // namespace

crypto::Digest256 TokensHash(std::span<const int32_t> tokens) {
  crypto::Sha256Hasher h;
  for (int32_t t : tokens) {
    uint32_t u = static_cast<uint32_t>(t);
    uint8_t le[4] = {static_cast<uint8_t>(u), static_cast<uint8_t>(u >> 8),
                     static_cast<uint8_t>(u >> 16), static_cast<uint8_t>(u >> 24)};
    h.Update(ByteSpan(le, 4));
  }
  return h.Finish();
}

Status ValidateChatReceipt(const ChatReceipt& r) {
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.inference_id, 32, "inference_id"));
  if (r.model_id.empty() || r.model_id.size() > 128)
    return kFields.Invalid("model_id", "1..128 bytes");
  if (r.mode != Mode::kVanilla && r.mode != Mode::kTee) {
    return kFields.Invalid("mode", "VANILLA or TEE only");
  }
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.request_hash, 32, "request_hash"));
  if (r.finish_reason != "stop" && r.finish_reason != "length" && r.finish_reason != "cancelled") {
    return kFields.Invalid("finish_reason",
                           "\"" + r.finish_reason + "\" (stop, length or cancelled)");
  }
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.tokens_hash, 32, "tokens_hash"));
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.text_hash, 32, "text_hash"));
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.node_id, 32, "node_id"));
  if (r.enclave_key) VINET_RETURN_IF_ERROR(kFields.CheckSize(*r.enclave_key, 32, "enclave_key"));
  if (r.enclave_signature) {
    VINET_RETURN_IF_ERROR(kFields.CheckSize(*r.enclave_signature, 64, "enclave_signature"));
    if (!r.enclave_key) return kFields.Invalid("enclave_key", "missing for a signature");
  }
  if (r.node_signature)
    VINET_RETURN_IF_ERROR(kFields.CheckSize(*r.node_signature, 64, "node_signature"));
  if (r.mode == Mode::kVanilla && (r.enclave_key || r.enclave_signature)) {
    return kFields.Invalid("enclave_key", "a VANILLA receipt has no enclave");
  }
  return Status::Ok();
}

Bytes EncodeChatReceipt(const ChatReceipt& r) {
  cbor::Writer w;
  w.Array(kItems).Uint(kChatReceiptVersion).Bstr(r.inference_id).Text(r.model_id);
  w.Uint(static_cast<uint64_t>(r.mode)).Bstr(r.request_hash).Uint(r.seed);
  w.Uint(r.prompt_tokens).Uint(r.completion_tokens).Text(r.finish_reason);
  w.Bstr(r.tokens_hash).Bstr(r.text_hash).Bstr(r.node_id);
  WriteOptionalBstr(w, r.enclave_key);
  WriteOptionalBstr(w, r.enclave_signature);
  WriteOptionalBstr(w, r.node_signature);
  w.Uint(r.chunks);
  return std::move(w).bytes();
}

bool LooksLikeChatReceipt(ByteSpan encoded) {
  return encoded.size() >= 2 && encoded[0] == (0x80 | kItems) && encoded[1] == kChatReceiptVersion;
}

Result<ChatReceipt> DecodeChatReceipt(ByteSpan encoded) {
  cbor::Limits limits;
  limits.max_bytes = kMaxClaimReceiptBytes;
  limits.max_items = 64;
  limits.max_depth = 1;
  limits.allow_maps = false;
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(encoded, limits));
  if (root.type != cbor::Type::kArray || root.items.size() != kItems) {
    return kFields.Malformed("envelope", "not an array of 16 items");
  }
  const auto& it = root.items;
  if (it[0].type != cbor::Type::kUnsigned || it[0].uint != kChatReceiptVersion) {
    return kFields.Malformed("version", "unsupported (need 2)");
  }
  ChatReceipt r;
  VINET_ASSIGN_OR_RETURN(r.inference_id, kFields.Bstr(it[1], "inference_id"));
  VINET_ASSIGN_OR_RETURN(r.model_id, kFields.Text(it[2], "model_id"));
  VINET_ASSIGN_OR_RETURN(uint64_t mode, kFields.Uint(it[3], "mode", 1));
  r.mode = static_cast<Mode>(mode);
  VINET_ASSIGN_OR_RETURN(r.request_hash, kFields.Bstr(it[4], "request_hash"));
  VINET_ASSIGN_OR_RETURN(r.seed, kFields.Uint(it[5], "seed", UINT64_MAX));
  VINET_ASSIGN_OR_RETURN(uint64_t prompt, kFields.Uint(it[6], "prompt_tokens", UINT32_MAX));
  VINET_ASSIGN_OR_RETURN(uint64_t completion, kFields.Uint(it[7], "completion_tokens", UINT32_MAX));
  r.prompt_tokens = static_cast<uint32_t>(prompt);
  r.completion_tokens = static_cast<uint32_t>(completion);
  VINET_ASSIGN_OR_RETURN(r.finish_reason, kFields.Text(it[8], "finish_reason"));
  VINET_ASSIGN_OR_RETURN(r.tokens_hash, kFields.Bstr(it[9], "tokens_hash"));
  VINET_ASSIGN_OR_RETURN(r.text_hash, kFields.Bstr(it[10], "text_hash"));
  VINET_ASSIGN_OR_RETURN(r.node_id, kFields.Bstr(it[11], "node_id"));
  VINET_ASSIGN_OR_RETURN(r.enclave_key, kFields.OptionalBstr(it[12], "enclave_key"));
  VINET_ASSIGN_OR_RETURN(r.enclave_signature, kFields.OptionalBstr(it[13], "enclave_signature"));
  VINET_ASSIGN_OR_RETURN(r.node_signature, kFields.OptionalBstr(it[14], "node_signature"));
  VINET_ASSIGN_OR_RETURN(uint64_t chunks, kFields.Uint(it[15], "chunks", UINT32_MAX));
  r.chunks = static_cast<uint32_t>(chunks);
  if (Status valid = ValidateChatReceipt(r); !valid.ok()) {
    return Error(Code::kParse, valid.message());
  }
  if (EncodeChatReceipt(r) != Bytes(encoded.begin(), encoded.end())) {
    return kFields.Malformed("envelope", "not in canonical form");
  }
  return r;
}

Bytes ChatEnclaveSigningBytes(const ChatReceipt& r) {
  return Prefixed(kEnclaveDomain, SignedFields(r));
}

Bytes ChatNodeSigningBytes(const ChatReceipt& r) {
  cbor::Writer w;
  w.Array(2).Raw(SignedFields(r));
  WriteOptionalBstr(w, r.enclave_signature);
  return Prefixed(kNodeDomain, w.bytes());
}

void SignChatAsEnclave(ChatReceipt& r, const crypto::SecretKey& enclave_key) {
  const auto& pk = enclave_key.public_key();
  r.enclave_key = Bytes(pk.begin(), pk.end());
  crypto::Signature sig = enclave_key.Sign(ChatEnclaveSigningBytes(r));
  r.enclave_signature = Bytes(sig.begin(), sig.end());
}

Status SignChatAsNode(ChatReceipt& r, const crypto::SecretKey& node_key) {
  const auto& pk = node_key.public_key();
  if (!std::equal(pk.begin(), pk.end(), r.node_id.begin(), r.node_id.end())) {
    return kFields.Invalid("node_id", "is not the signing key's public key");
  }
  crypto::Signature sig = node_key.Sign(ChatNodeSigningBytes(r));
  r.node_signature = Bytes(sig.begin(), sig.end());
  return Status::Ok();
}

Status VerifyChatNodeSignature(const ChatReceipt& r) {
  if (!Verify(r.node_id, ChatNodeSigningBytes(r), r.node_signature)) {
    return Error(Code::kUnauthenticated, "chat_receipt.node_signature: missing or invalid");
  }
  return Status::Ok();
}

Status VerifyChatEnclaveSignature(const ChatReceipt& r) {
  if (!r.enclave_key || !Verify(*r.enclave_key, ChatEnclaveSigningBytes(r), r.enclave_signature)) {
    return Error(Code::kUnauthenticated, "chat_receipt.enclave_signature: missing or invalid");
  }
  return Status::Ok();
}

Result<uint64_t> ChatFee(uint64_t fee_per_inference, uint64_t price_in, uint64_t price_out,
                         uint32_t prompt_tokens, uint32_t completion_tokens) {
  uint64_t in = 0, out = 0, total = 0;
  if (__builtin_mul_overflow(price_in, uint64_t{prompt_tokens}, &in) ||
      __builtin_mul_overflow(price_out, uint64_t{completion_tokens}, &out) ||
      __builtin_add_overflow(fee_per_inference, in, &total) ||
      __builtin_add_overflow(total, out, &total)) {
    return Error(Code::kOutOfRange, "chat fee: overflows 64 bits");
  }
  return total;
}

}  // namespace vinet::protocol
