// Reading and writing the fields of vinet's canonical CBOR records (tensor
// receipts, chat receipts, canonical chat requests), with errors that name
// the record and the field ("chat_receipt.seed: expected an unsigned
// integer"). Internal to src/protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vinet/cbor/cbor.h"
#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::protocol {

class RecordFields {
 public:
  explicit RecordFields(std::string_view record) : record_(record) {}

  // kInvalidArgument / kParse "<record>.<field>: <what>".
  Status Invalid(std::string_view field, std::string what) const;
  Status Malformed(std::string_view field, std::string what) const;
  // kInvalidArgument unless `b` has exactly `n` bytes.
  Status CheckSize(const Bytes& b, size_t n, std::string_view field) const;

  // kParse when the item is not of the type asked (or above `max`).
  Result<Bytes> Bstr(const cbor::Value& v, std::string_view field) const;
  Result<std::optional<Bytes>> OptionalBstr(const cbor::Value& v, std::string_view field) const;
  Result<std::string> Text(const cbor::Value& v, std::string_view field) const;
  Result<uint64_t> Uint(const cbor::Value& v, std::string_view field,
                        uint64_t max = UINT64_MAX) const;

 private:
  std::string_view record_;
};

// A byte string, or null when absent.
void WriteOptionalBstr(cbor::Writer& w, const std::optional<Bytes>& b);
// domain || body: what a domain-separated signature covers.
Bytes Prefixed(std::string_view domain, ByteSpan body);

}  // namespace vinet::protocol
