// Inference requests: what a client signs, and its inference id.
//
// Wire format: vinet.inference.v1.SignedRequest (proto/vinet/inference/v1/
// request.proto). The body is an envelope (chain, the node asked, max fee,
// nonce, timestamp, expiry) around a payload: an inference of a tensor model
// or an LLM chat (`PayloadKind`). Both commit to what the model is asked
// through `input_hash` (TensorsHash of the inputs; ChatRequestHash of the
// canonical chat request, protocol/chat_request.h). The client
// signs kRequestDomain || client_pubkey || body, the exact body bytes it
// sends; the inference id is SHA-256 of the same bytes, so it covers the
// client key and the whole body (re-signing a body under another key gives
// another id) and never depends on re-serialization. Decoding is strict:
// unknown fields, a body that does not parse, a missing payload, wrong
// key/signature/hash lengths, an empty chain or model id, an unknown mode, or
// an expiry not after the timestamp are kParse errors naming the field.
// `VerifyRequest` checks the signature (kUnauthenticated); `CheckValidity`
// the time window. All types are plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"
#include "vinet/protocol/receipt.h"

namespace vinet::protocol {

inline constexpr std::string_view kRequestDomain{"vinet.request.v2\0", 17};

enum class PayloadKind : uint8_t { kInference = 0, kChat = 1 };
std::string_view PayloadKindName(PayloadKind kind);  // "inference", "chat"

struct InferenceRequest {
  // Envelope (every request kind).
  std::string chain_id;
  crypto::PublicKey node_pubkey{};  // the node asked: the only one that may claim it
  uint64_t max_fee = 0;
  uint64_t nonce = 0;
  int64_t timestamp_ms = 0;  // signed at (Unix ms)
  int64_t expires_ms = 0;    // > timestamp_ms; refused on chain from this time on
  // Payload.
  PayloadKind kind = PayloadKind::kInference;
  std::string model_id;
  Mode mode = Mode::kVanilla;  // chat: VANILLA or TEE only
  Bytes input_hash;            // 32 bytes: TensorsHash(inputs) | ChatRequestHash

  friend bool operator==(const InferenceRequest&, const InferenceRequest&) = default;
};

struct SignedRequest {
  Bytes body;  // serialized RequestBody, exactly as signed
  crypto::PublicKey client_pubkey{};
  crypto::Signature signature{};
  InferenceRequest request;  // `body` decoded

  friend bool operator==(const SignedRequest&, const SignedRequest&) = default;
};

// Serializes `request` and signs it with `client_key`.
SignedRequest SignRequest(const InferenceRequest& request, const crypto::SecretKey& client_key);

// Protobuf SignedRequest bytes ⇄ value. Decode checks form, not the signature.
Bytes EncodeSignedRequest(const SignedRequest& signed_request);
Result<SignedRequest> DecodeSignedRequest(ByteSpan encoded);

// A signed body without its signature (a compact claim, whose client
// signature the enclave's batch attestation vouches for: docs/chain.md
// "Compact claims"): the same checks as DecodeSignedRequest, `signature`
// left zero. Bodies over kMaxRequestBodyBytes are refused before parsing.
inline constexpr size_t kMaxRequestBodyBytes = 1024;
Result<SignedRequest> DecodeRequestBody(ByteSpan body, ByteSpan client_pubkey);

// kUnauthenticated unless the signature verifies over kRequestDomain || body.
Status VerifyRequest(const SignedRequest& signed_request);

// kInvalidArgument unless `now_ms < expires_ms` (not expired) and
// `expires_ms - timestamp_ms <= max_ttl_ms` (a bounded lifetime, so the
// timestamp means something). The chain applies it at block time, the node
// before serving (with its own margin).
Status CheckValidity(const InferenceRequest& request, int64_t now_ms, int64_t max_ttl_ms);

// SHA-256(kRequestDomain || client_pubkey || body).
crypto::Digest256 InferenceId(const SignedRequest& signed_request);

// The client's account address (crypto::AddressOf of its key).
std::string ClientAddress(const SignedRequest& signed_request);

// JSON form: {"body": hex, "client_pubkey": hex, "signature": hex}.
std::string SignedRequestToJson(const SignedRequest& signed_request);
Result<SignedRequest> SignedRequestFromJson(std::string_view json);
// The same from an already parsed value (no dump and re-parse).
Result<SignedRequest> SignedRequestFromJsonValue(const nlohmann::json& json);

}  // namespace vinet::protocol
