#include "vinet/protocol/receipt.h"

#include "record_fields.h"
#include "vinet/cbor/cbor.h"

namespace vinet::protocol {
namespace {

const RecordFields kFields("receipt");

constexpr uint64_t kReceiptVersion = 1;
constexpr std::string_view kEnclaveDomain = "vinet-receipt-enclave-v1";
constexpr std::string_view kNodeDomain = "vinet-receipt-node-v1";

void WriteSignedFields(cbor::Writer& w, const Receipt& r, uint64_t count) {
  w.Array(count).Bstr(r.inference_id).Text(r.model_id).Uint(static_cast<uint64_t>(r.mode));
  w.Bstr(r.input_hash).Bstr(r.output_hash).Bstr(r.node_id);
  WriteOptionalBstr(w, r.enclave_key);
}

}  // namespace

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kVanilla:
      return "VANILLA";
    case Mode::kTee:
      return "TEE";
    case Mode::kZkml:
      return "ZKML";
  }
  return "?";
}

Result<Mode> ParseMode(std::string_view name) {
  if (name == "VANILLA") return Mode::kVanilla;
  if (name == "TEE") return Mode::kTee;
  if (name == "ZKML") return Mode::kZkml;
  return Error(Code::kParse, "receipt.mode: unknown mode \"" + std::string(name) + "\"");
}

Status ValidateReceipt(const Receipt& r) {
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.inference_id, 32, "inference_id"));
  if (r.model_id.empty()) return kFields.Invalid("model_id", "empty");
  if (static_cast<uint8_t>(r.mode) > 2) return kFields.Invalid("mode", "unknown");
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.input_hash, 32, "input_hash"));
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.output_hash, 32, "output_hash"));
  VINET_RETURN_IF_ERROR(ValidateTensors(r.outputs));
  VINET_RETURN_IF_ERROR(kFields.CheckSize(r.node_id, 32, "node_id"));
  if (r.enclave_key) VINET_RETURN_IF_ERROR(kFields.CheckSize(*r.enclave_key, 32, "enclave_key"));
  if (r.enclave_signature)
    VINET_RETURN_IF_ERROR(kFields.CheckSize(*r.enclave_signature, 64, "enclave_signature"));
  if (r.node_signature)
    VINET_RETURN_IF_ERROR(kFields.CheckSize(*r.node_signature, 64, "node_signature"));
  if (r.enclave_signature && !r.enclave_key)
    return kFields.Invalid("enclave_key", "missing for a signature");
  return Status::Ok();
}

Bytes EncodeReceipt(const Receipt& r) {
  cbor::Writer w;
  w.Array(11).Uint(kReceiptVersion).Bstr(r.inference_id).Text(r.model_id);
  w.Uint(static_cast<uint64_t>(r.mode)).Bstr(r.input_hash).Bstr(r.output_hash);
  w.Raw(EncodeTensors(r.outputs)).Bstr(r.node_id);
  WriteOptionalBstr(w, r.enclave_key);
  WriteOptionalBstr(w, r.enclave_signature);
  WriteOptionalBstr(w, r.node_signature);
  return std::move(w).bytes();
}

Result<Receipt> DecodeReceipt(ByteSpan encoded) {
  cbor::Limits limits;
  limits.allow_maps = false;  // a receipt has none: a map can only be an attack
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(encoded, limits));
  if (root.type != cbor::Type::kArray || root.items.size() != 11) {
    return kFields.Malformed("envelope", "not an array of 11 items");
  }
  const auto& it = root.items;
  if (it[0].type != cbor::Type::kUnsigned || it[0].uint != kReceiptVersion) {
    return kFields.Malformed("version", "unsupported (need 1)");
  }
  Receipt r;
  VINET_ASSIGN_OR_RETURN(r.inference_id, kFields.Bstr(it[1], "inference_id"));
  if (it[2].type != cbor::Type::kText) return kFields.Malformed("model_id", "expected text");
  r.model_id = std::string(it[2].text());
  if (it[3].type != cbor::Type::kUnsigned || it[3].uint > 2)
    return kFields.Malformed("mode", "expected 0..2");
  r.mode = static_cast<Mode>(it[3].uint);
  VINET_ASSIGN_OR_RETURN(r.input_hash, kFields.Bstr(it[4], "input_hash"));
  VINET_ASSIGN_OR_RETURN(r.output_hash, kFields.Bstr(it[5], "output_hash"));
  auto outputs = DecodeTensors(it[6].raw);
  if (!outputs.ok()) return outputs.status().WithContext("receipt.outputs");
  r.outputs = std::move(*outputs);
  VINET_ASSIGN_OR_RETURN(r.node_id, kFields.Bstr(it[7], "node_id"));
  VINET_ASSIGN_OR_RETURN(r.enclave_key, kFields.OptionalBstr(it[8], "enclave_key"));
  VINET_ASSIGN_OR_RETURN(r.enclave_signature, kFields.OptionalBstr(it[9], "enclave_signature"));
  VINET_ASSIGN_OR_RETURN(r.node_signature, kFields.OptionalBstr(it[10], "node_signature"));
  Status valid = ValidateReceipt(r);
  if (!valid.ok()) return Error(Code::kParse, valid.message());
  if (EncodeReceipt(r) != Bytes(encoded.begin(), encoded.end())) {
    return kFields.Malformed("envelope", "not in canonical form");
  }
  return r;
}

Bytes EnclaveSigningBytes(const Receipt& r) {
  cbor::Writer w;
  WriteSignedFields(w, r, 7);
  return Prefixed(kEnclaveDomain, w.bytes());
}

Bytes NodeSigningBytes(const Receipt& r) {
  cbor::Writer w;
  WriteSignedFields(w, r, 8);
  WriteOptionalBstr(w, r.enclave_signature);
  return Prefixed(kNodeDomain, w.bytes());
}

void SignAsEnclave(Receipt& r, const crypto::SecretKey& enclave_key) {
  r.enclave_key = Bytes(enclave_key.public_key().begin(), enclave_key.public_key().end());
  auto sig = enclave_key.Sign(EnclaveSigningBytes(r));
  r.enclave_signature = Bytes(sig.begin(), sig.end());
}

Status SignAsNode(Receipt& r, const crypto::SecretKey& node_key) {
  if (r.node_id != Bytes(node_key.public_key().begin(), node_key.public_key().end())) {
    return kFields.Invalid("node_id", "is not the signing node's public key");
  }
  auto sig = node_key.Sign(NodeSigningBytes(r));
  r.node_signature = Bytes(sig.begin(), sig.end());
  return Status::Ok();
}

Status VerifyNodeSignature(const Receipt& r) {
  if (!r.node_signature) return Error(Code::kUnauthenticated, "receipt: node signature missing");
  auto key = crypto::PublicKeyFromBytes(r.node_id);
  if (!key.ok() || !crypto::Verify(*key, NodeSigningBytes(r), *r.node_signature)) {
    return Error(Code::kUnauthenticated, "receipt: node signature does not verify");
  }
  return Status::Ok();
}

}  // namespace vinet::protocol
