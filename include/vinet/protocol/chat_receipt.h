// Receipts of LLM chat completions (docs/chat.md).
//
// A chat receipt says which model answered which signed request, with which
// seed, how many tokens it read and wrote, why it stopped, and the hashes of
// the generated token ids and text. In TEE mode the enclave signs it and the
// node co-signs; in VANILLA mode only the node signs. The chain prices the
// claim from its token counts: fee = fee_per_inference + prompt_tokens *
// price_per_input_token + completion_tokens * price_per_output_token.
//
// Canonical bytes: CBOR array of 16 items, shortest form, no maps,
//   [2, inference_id (bstr 32), model_id (text), mode (uint 0|1),
//    request_hash (bstr 32), seed (uint), prompt_tokens (uint),
//    completion_tokens (uint), finish_reason (text), tokens_hash (bstr 32),
//    text_hash (bstr 32), node_id (bstr 32), enclave_key (bstr 32 | null),
//    enclave_signature (bstr 64 | null), node_signature (bstr 64 | null),
//    chunks (uint)]
// The leading 2 tells it from a tensor receipt (receipt.h, leading 1).
// `DecodeChatReceipt` accepts only that form (re-encodes and compares).
//
// Signatures (Ed25519), over the first 13 items without the leading 2 as a
// CBOR array [inference_id, ..., node_id, enclave_key | null, chunks]:
//   enclave: "vinet-chat-receipt-enclave-v1" || that array
//   node:    "vinet-chat-receipt-node-v1" || CBOR [that array, enclave_signature | null]
// finish_reason is "stop" (end-of-turn token or stop sequence), "length"
// (max tokens, or the client's max fee reached) or "cancelled" (the client
// went away; the receipt covers exactly the chunks delivered).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"
#include "vinet/protocol/receipt.h"

namespace vinet::protocol {

inline constexpr uint64_t kChatReceiptVersion = 2;

struct ChatReceipt {
  Bytes inference_id;  // 32
  std::string model_id;
  Mode mode = Mode::kTee;  // kVanilla or kTee
  Bytes request_hash;      // 32: ChatRequestHash, = the signed request's input_hash
  uint64_t seed = 0;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
  std::string finish_reason;               // "stop" | "length" | "cancelled"
  Bytes tokens_hash;                       // 32: TokensHash(completion token ids)
  Bytes text_hash;                         // 32: SHA-256 of the completion text (UTF-8)
  Bytes node_id;                           // 32
  std::optional<Bytes> enclave_key;        // 32 (TEE)
  std::optional<Bytes> enclave_signature;  // 64
  std::optional<Bytes> node_signature;     // 64
  uint32_t chunks = 0;                     // streamed chunks the receipt covers (chat_stream.h)

  friend bool operator==(const ChatReceipt&, const ChatReceipt&) = default;
};

// SHA-256 of token ids as int32 little-endian (= llm::HashTokens).
crypto::Digest256 TokensHash(std::span<const int32_t> tokens);

Status ValidateChatReceipt(const ChatReceipt& r);  // kInvalidArgument naming the field
Bytes EncodeChatReceipt(const ChatReceipt& r);
Result<ChatReceipt> DecodeChatReceipt(ByteSpan encoded);  // kParse naming the field
// True when `encoded` starts like a chat receipt (array whose first item is 2).
bool LooksLikeChatReceipt(ByteSpan encoded);

Bytes ChatEnclaveSigningBytes(const ChatReceipt& r);
Bytes ChatNodeSigningBytes(const ChatReceipt& r);
void SignChatAsEnclave(ChatReceipt& r, const crypto::SecretKey& enclave_key);
Status SignChatAsNode(ChatReceipt& r, const crypto::SecretKey& node_key);
// kUnauthenticated unless the signature is present and verifies.
Status VerifyChatNodeSignature(const ChatReceipt& r);
Status VerifyChatEnclaveSignature(const ChatReceipt& r);  // against r.enclave_key

// fee_per_inference + prompt * price_in + completion * price_out, or
// kOutOfRange on uint64 overflow.
Result<uint64_t> ChatFee(uint64_t fee_per_inference, uint64_t price_in, uint64_t price_out,
                         uint32_t prompt_tokens, uint32_t completion_tokens);

// JSON form: the field names above, bytes as lowercase hex, mode by name.
std::string ChatReceiptToJson(const ChatReceipt& r);
Result<ChatReceipt> ChatReceiptFromJson(std::string_view json);

}  // namespace vinet::protocol
