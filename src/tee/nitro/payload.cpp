#include <algorithm>
#include <string>

#include "vinet/cbor/cbor.h"
#include "vinet/tee/attestation.h"
#include "vinet/tee/cose.h"

namespace vinet::tee {
namespace {

using cbor::Type;
using cbor::Value;

Status FieldError(std::string_view field, std::string what) {
  return Error(Code::kParse, "attestation." + std::string(field) + ": " + std::move(what));
}

Status ExpectType(const Value& v, Type type, std::string_view field) {
  if (v.type == type) return Status::Ok();
  Value want;
  want.type = type;
  return FieldError(field, "expected " + std::string(want.TypeName()) + ", got " +
                               std::string(v.TypeName()) + " at offset " +
                               std::to_string(v.offset));
}

Status ParsePcrs(const Value& v, AttestationDocument& doc) {
  VINET_RETURN_IF_ERROR(ExpectType(v, Type::kMap, "pcrs"));
  if (v.map_size() == 0 || v.map_size() > kMaxPcrs) {
    return FieldError("pcrs", std::to_string(v.map_size()) + " entries, need 1..32");
  }
  for (size_t i = 0; i < v.map_size(); ++i) {
    const Value& k = v.key(i);
    const Value& val = v.value(i);
    if (k.type != Type::kUnsigned || k.uint >= kMaxPcrs) {
      return FieldError("pcrs", "index at offset " + std::to_string(k.offset) + " is not 0..31");
    }
    std::string name = "pcrs[" + std::to_string(k.uint) + "]";
    VINET_RETURN_IF_ERROR(ExpectType(val, Type::kBytes, name));
    size_t n = val.str.size();
    if (n != 32 && n != 48 && n != 64)
      return FieldError(name, std::to_string(n) + " bytes, need 32/48/64");
    doc.pcrs[static_cast<uint32_t>(k.uint)] = Bytes(val.str.begin(), val.str.end());
  }
  return Status::Ok();
}

Status ParseCabundle(const Value& v, AttestationDocument& doc) {
  VINET_RETURN_IF_ERROR(ExpectType(v, Type::kArray, "cabundle"));
  if (v.items.empty()) return FieldError("cabundle", "empty");
  for (size_t i = 0; i < v.items.size(); ++i) {
    std::string name = "cabundle[" + std::to_string(i) + "]";
    VINET_RETURN_IF_ERROR(ExpectType(v.items[i], Type::kBytes, name));
    if (v.items[i].str.empty()) return FieldError(name, "empty certificate");
    doc.cabundle.emplace_back(v.items[i].str.begin(), v.items[i].str.end());
  }
  return Status::Ok();
}

Status ParseOptional(const Value& v, std::string_view field, std::optional<Bytes>& out) {
  if (v.IsNull()) return Status::Ok();
  VINET_RETURN_IF_ERROR(ExpectType(v, Type::kBytes, field));
  if (v.str.size() > kMaxOptionalFieldBytes) {
    return FieldError(field, std::to_string(v.str.size()) + " bytes, more than 1024");
  }
  out = Bytes(v.str.begin(), v.str.end());
  return Status::Ok();
}

Status ParseField(std::string_view key, const Value& v, AttestationDocument& doc) {
  if (key == "module_id") {
    VINET_RETURN_IF_ERROR(ExpectType(v, Type::kText, key));
    if (v.str.empty()) return FieldError(key, "empty");
    doc.module_id = std::string(v.text());
  } else if (key == "digest") {
    VINET_RETURN_IF_ERROR(ExpectType(v, Type::kText, key));
    if (v.text() != "SHA384")
      return FieldError(key, "\"" + std::string(v.text()) + "\" is not SHA384");
    doc.digest = std::string(v.text());
  } else if (key == "timestamp") {
    VINET_RETURN_IF_ERROR(ExpectType(v, Type::kUnsigned, key));
    if (v.uint == 0) return FieldError(key, "zero");
    doc.timestamp_ms = v.uint;
  } else if (key == "pcrs") {
    return ParsePcrs(v, doc);
  } else if (key == "certificate") {
    VINET_RETURN_IF_ERROR(ExpectType(v, Type::kBytes, key));
    if (v.str.empty()) return FieldError(key, "empty");
    doc.certificate = Bytes(v.str.begin(), v.str.end());
  } else if (key == "cabundle") {
    return ParseCabundle(v, doc);
  } else if (key == "public_key") {
    return ParseOptional(v, key, doc.public_key);
  } else if (key == "user_data") {
    return ParseOptional(v, key, doc.user_data);
  } else if (key == "nonce") {
    return ParseOptional(v, key, doc.nonce);
  } else {
    return FieldError(key, "unknown key");
  }
  return Status::Ok();
}

constexpr std::string_view kRequired[] = {"module_id", "digest",      "timestamp",
                                          "pcrs",      "certificate", "cabundle"};

}  // namespace

bool AttestationDocument::IsDebug() const {
  auto it = pcrs.find(0);
  if (it == pcrs.end()) return false;
  return std::all_of(it->second.begin(), it->second.end(), [](uint8_t b) { return b == 0; });
}

Result<AttestationDocument> ParseAttestationPayload(ByteSpan payload) {
  if (payload.size() > kMaxPayloadBytes) {
    return FieldError("payload", std::to_string(payload.size()) + " bytes exceed " +
                                     std::to_string(kMaxPayloadBytes));
  }
  cbor::Limits limits;
  limits.max_bytes = kMaxPayloadBytes;
  limits.max_items = 1024;  // 9 fields, ≤ 32 PCRs, a short cabundle
  auto decoded = cbor::Decode(payload, limits);
  if (!decoded.ok()) return decoded.status().WithContext("attestation payload");
  const Value& map = *decoded;
  if (map.type != Type::kMap) return FieldError("payload", "not a map");
  AttestationDocument doc;
  for (size_t i = 0; i < map.map_size(); ++i) {
    const Value& k = map.key(i);
    if (k.type != Type::kText) {
      return FieldError("payload", "key at offset " + std::to_string(k.offset) + " is not text");
    }
    VINET_RETURN_IF_ERROR(ParseField(k.text(), map.value(i), doc));
  }
  for (std::string_view key : kRequired) {
    if (map.Find(key) == nullptr) return FieldError(key, "missing");
  }
  return doc;
}

}  // namespace vinet::tee
