#include "vinet/tee/cose.h"

#include <string>

#include "vinet/cbor/cbor.h"

namespace vinet::tee {
namespace {

Status CoseError(std::string what) {
  return Error(Code::kParse, "cose: " + std::move(what));
}

Status CheckProtectedHeader(ByteSpan header) {
  auto decoded = cbor::Decode(header);
  if (!decoded.ok()) return decoded.status().WithContext("cose: protected header");
  const cbor::Value& map = *decoded;
  if (map.type != cbor::Type::kMap) return CoseError("protected header is not a map");
  if (map.map_size() != 1) {
    return CoseError("protected header must hold only alg, has " + std::to_string(map.map_size()) +
                     " entries");
  }
  const cbor::Value* alg = map.Find(uint64_t{1});
  if (alg == nullptr) return CoseError("protected header lacks alg (label 1)");
  if (alg->type != cbor::Type::kNegative && alg->type != cbor::Type::kUnsigned) {
    return CoseError("alg is not an integer");
  }
  int64_t value = alg->type == cbor::Type::kUnsigned ? static_cast<int64_t>(alg->uint)
                                                     : -1 - static_cast<int64_t>(alg->uint);
  if (alg->uint > (1ULL << 62) || value != kCoseAlgEs384) {
    return Error(Code::kUnsupported, "cose: alg " + std::to_string(value) + " is not ES384 (-35)");
  }
  return Status::Ok();
}

}  // namespace

Result<CoseSign1> ParseCoseSign1(ByteSpan document) {
  if (document.size() > kMaxDocumentBytes) {
    return CoseError("document of " + std::to_string(document.size()) + " bytes exceeds " +
                     std::to_string(kMaxDocumentBytes));
  }
  cbor::Limits limits;
  limits.max_bytes = kMaxDocumentBytes;
  limits.max_items = 64;  // tag, envelope, 4 members, an (empty) unprotected header
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(document, limits));
  CoseSign1 out;
  const cbor::Value* envelope = &root;
  if (root.type == cbor::Type::kTag) {
    if (root.uint != kCoseSign1Tag)
      return CoseError("tag " + std::to_string(root.uint) + " is not 18");
    out.tagged = true;
    envelope = &root.items[0];
  }
  if (envelope->type != cbor::Type::kArray) {
    return CoseError("envelope is " + std::string(envelope->TypeName()) + ", not an array");
  }
  if (envelope->items.size() != 4) {
    return CoseError("envelope has " + std::to_string(envelope->items.size()) + " elements, not 4");
  }
  const auto& items = envelope->items;
  if (items[0].type != cbor::Type::kBytes) return CoseError("protected header is not a bstr");
  if (items[1].type != cbor::Type::kMap) return CoseError("unprotected header is not a map");
  if (items[2].type != cbor::Type::kBytes) return CoseError("payload is not a bstr");
  if (items[3].type != cbor::Type::kBytes) return CoseError("signature is not a bstr");
  if (items[1].map_size() != 0) return CoseError("unprotected header is not empty");
  VINET_RETURN_IF_ERROR(CheckProtectedHeader(items[0].str));
  if (items[2].str.empty() || items[2].str.size() > kMaxPayloadBytes) {
    return CoseError("payload size " + std::to_string(items[2].str.size()) + " outside 1..16384");
  }
  if (items[3].str.size() != kEs384SignatureBytes) {
    return CoseError("signature is " + std::to_string(items[3].str.size()) +
                     " bytes; ES384 needs 96 raw bytes r||s (DER is not accepted)");
  }
  out.protected_header = items[0].str;
  out.payload = items[2].str;
  out.signature = items[3].str;
  return out;
}

Bytes Sig1Structure(ByteSpan protected_header, ByteSpan payload) {
  cbor::Writer w;
  w.Array(4).Text("Signature1").Bstr(protected_header).Bstr({}).Bstr(payload);
  return std::move(w).bytes();
}

Bytes EncodeCoseSign1(ByteSpan protected_header, ByteSpan payload, ByteSpan signature) {
  cbor::Writer w;
  w.Array(4).Bstr(protected_header).Map(0).Bstr(payload).Bstr(signature);
  return std::move(w).bytes();
}

Bytes Es384ProtectedHeader() {
  cbor::Writer w;
  w.Map(1).Uint(1).Int(kCoseAlgEs384);
  return std::move(w).bytes();
}

}  // namespace vinet::tee
