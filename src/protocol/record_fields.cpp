#include "record_fields.h"

namespace vinet::protocol {

Status RecordFields::Invalid(std::string_view field, std::string what) const {
  return Error(Code::kInvalidArgument,
               std::string(record_) + "." + std::string(field) + ": " + std::move(what));
}

Status RecordFields::Malformed(std::string_view field, std::string what) const {
  return Error(Code::kParse,
               std::string(record_) + "." + std::string(field) + ": " + std::move(what));
}

Status RecordFields::CheckSize(const Bytes& b, size_t n, std::string_view field) const {
  if (b.size() == n) return Status::Ok();
  return Invalid(field, std::to_string(b.size()) + " bytes, need " + std::to_string(n));
}

Result<Bytes> RecordFields::Bstr(const cbor::Value& v, std::string_view field) const {
  if (v.type != cbor::Type::kBytes) {
    return Malformed(field, "expected bytes, got " + std::string(v.TypeName()));
  }
  return Bytes(v.str.begin(), v.str.end());
}

Result<std::optional<Bytes>> RecordFields::OptionalBstr(const cbor::Value& v,
                                                        std::string_view field) const {
  if (v.IsNull()) return std::optional<Bytes>();
  VINET_ASSIGN_OR_RETURN(Bytes b, Bstr(v, field));
  return std::optional<Bytes>(std::move(b));
}

Result<std::string> RecordFields::Text(const cbor::Value& v, std::string_view field) const {
  if (v.type != cbor::Type::kText) {
    return Malformed(field, "expected text, got " + std::string(v.TypeName()));
  }
  return std::string(v.text());
}

Result<uint64_t> RecordFields::Uint(const cbor::Value& v, std::string_view field,
                                    uint64_t max) const {
  if (v.type != cbor::Type::kUnsigned) return Malformed(field, "expected an unsigned integer");
  if (v.uint > max) return Malformed(field, "above " + std::to_string(max));
  return v.uint;
}

void WriteOptionalBstr(cbor::Writer& w, const std::optional<Bytes>& b) {
  if (b) {
    w.Bstr(*b);
  } else {
    w.Null();
  }
}

Bytes Prefixed(std::string_view domain, ByteSpan body) {
  Bytes out = ToBytes(domain);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace vinet::protocol
