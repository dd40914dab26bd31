// Test helpers that change parts of a real attestation document without
// re-signing it: the payload map is rebuilt from the raw bytes of its entries,
// so every entry not named keeps exactly its received encoding.
#pragma once

#include <functional>
#include <string>

#include "vinet/cbor/cbor.h"
#include "vinet/tee/cose.h"

namespace vinet::tee::testing {

struct Parts {
  Bytes protected_header;
  Bytes payload;
  Bytes signature;
};

inline Parts Split(ByteSpan doc) {
  auto cose = ParseCoseSign1(doc);
  if (!cose.ok()) return {};
  return {Bytes(cose->protected_header.begin(), cose->protected_header.end()),
          Bytes(cose->payload.begin(), cose->payload.end()),
          Bytes(cose->signature.begin(), cose->signature.end())};
}

inline Bytes Join(const Parts& p) {
  return EncodeCoseSign1(p.protected_header, p.payload, p.signature);
}

// Rebuilds the payload map: `edit(key, raw_value)` returns the bytes to emit
// for that entry's value (return raw_value to keep it). `extra` is appended
// as raw key/value bytes before the end of the map.
inline Bytes RewritePayload(ByteSpan payload,
                            const std::function<Bytes(std::string_view, ByteSpan)>& edit,
                            ByteSpan extra = {}, int extra_entries = 0) {
  auto map = cbor::Decode(payload);
  cbor::Writer w;
  if (map->indefinite) {
    w.IndefiniteMap();
  } else {
    w.Map(map->map_size() + static_cast<uint64_t>(extra_entries));
  }
  for (size_t i = 0; i < map->map_size(); ++i) {
    w.Raw(map->key(i).raw);
    w.Raw(edit(map->key(i).text(), map->value(i).raw));
  }
  w.Raw(extra);
  if (map->indefinite) w.Break();
  return std::move(w).bytes();
}

// Replaces one field's value with `encoded` (already CBOR).
inline Bytes ReplaceField(ByteSpan doc, std::string_view field, const Bytes& encoded) {
  Parts p = Split(doc);
  p.payload = RewritePayload(p.payload, [&](std::string_view key, ByteSpan raw) {
    return key == field ? encoded : Bytes(raw.begin(), raw.end());
  });
  return Join(p);
}

// The raw value bytes of a payload field.
inline Bytes FieldRaw(ByteSpan doc, std::string_view field) {
  Parts p = Split(doc);
  auto map = cbor::Decode(p.payload);
  const cbor::Value* v = map->Find(field);
  return v ? Bytes(v->raw.begin(), v->raw.end()) : Bytes{};
}

}  // namespace vinet::tee::testing
