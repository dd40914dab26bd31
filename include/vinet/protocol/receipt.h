// Inference receipts (ARCHITECTURE §2) and their canonical encoding.
//
// Canonical bytes (docs/receipts.md): CBOR array of 11 items,
//   [1, inference_id (bstr 32), model_id (text), mode (uint), input_hash (bstr 32),
//    output_hash (bstr 32), outputs (tensor.h encoding), node_id (bstr 32),
//    enclave_key (bstr 32 | null), enclave_signature (bstr 64 | null),
//    node_signature (bstr 64 | null)]
// in shortest form. `DecodeReceipt` accepts only that exact form (it
// re-encodes and compares), so one receipt has one encoding; it refuses any
// CBOR map before building the tree (a receipt has none), and the chain caps
// a claim's receipt at kMaxClaimReceiptBytes before decoding it.
//
// Signatures (Ed25519):
//   enclave: over "vinet-receipt-enclave-v1" || CBOR [inference_id, model_id,
//            mode, input_hash, output_hash, node_id, enclave_key]
//   node:    over "vinet-receipt-node-v1" || the same array with a 8th item,
//            the enclave signature (or null).
// Outputs are bound through output_hash, which verification recomputes. The
// enclave's key id is its 32-byte Ed25519 public key itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/tensor.h"

namespace vinet::protocol {

// Largest receipt the chain decodes in a claim (outputs are empty on chain
// except a ZKML claim's int8 outputs).
inline constexpr size_t kMaxClaimReceiptBytes = 16384;

enum class Mode : uint8_t { kVanilla = 0, kTee = 1, kZkml = 2 };
std::string_view ModeName(Mode mode);  // "VANILLA", "TEE", "ZKML"
Result<Mode> ParseMode(std::string_view name);

struct Receipt {
  Bytes inference_id;  // 32 bytes: SHA-256 of the client's signed request
  std::string model_id;
  Mode mode = Mode::kTee;
  Bytes input_hash;   // 32 bytes: TensorsHash(inputs)
  Bytes output_hash;  // 32 bytes: TensorsHash(outputs)
  std::vector<NamedTensor> outputs;
  Bytes node_id;                           // 32 bytes: the node's Ed25519 public key
  std::optional<Bytes> enclave_key;        // 32 bytes (TEE mode)
  std::optional<Bytes> enclave_signature;  // 64 bytes
  std::optional<Bytes> node_signature;     // 64 bytes

  friend bool operator==(const Receipt&, const Receipt&) = default;
};

// Checks field sizes and tensors. kInvalidArgument naming the field.
Status ValidateReceipt(const Receipt& r);

Bytes EncodeReceipt(const Receipt& r);
// Strict: kParse naming the field for anything but the canonical form.
Result<Receipt> DecodeReceipt(ByteSpan encoded);

Bytes EnclaveSigningBytes(const Receipt& r);
Bytes NodeSigningBytes(const Receipt& r);

// Sets enclave_key and enclave_signature. Precondition: ValidateReceipt ok.
void SignAsEnclave(Receipt& r, const crypto::SecretKey& enclave_key);
// Sets node_signature; kInvalidArgument unless node_id is `node_key`'s public key.
Status SignAsNode(Receipt& r, const crypto::SecretKey& node_key);

// Checks node_signature against node_id (any mode). kUnauthenticated when it
// is absent or does not verify.
Status VerifyNodeSignature(const Receipt& r);

// JSON form (hex for bytes, tensors as {"name","dtype","shape","data"}):
std::string ReceiptToJson(const Receipt& r);
Result<Receipt> ReceiptFromJson(std::string_view json);

}  // namespace vinet::protocol
