// A strict CBOR (RFC 8949) decoder and a small encoder, written for
// attestation documents, NSM messages and receipts.
//
// `Decode` parses exactly one data item that must span the whole input; it
// rejects trailing bytes, reserved additional-info values, a stray "break",
// indefinite-length byte/text strings, duplicate map keys (compared by value,
// so 0x01 and 0x1801 are the same key), map keys other than integers and
// strings, nesting deeper than `kMaxDepth`, and counts larger than the bytes
// left. Definite and indefinite arrays and maps are both accepted. Every error
// is Code::kParse and names the byte offset.
//
// Hostile input: decoding is O(n log n) in the input size whatever its shape
// (duplicate keys are found by sorting each map's keys, never by comparing
// every pair, and never by an unseeded hash that could be flooded). `Limits`
// bounds the input size (checked before any work), the total number of items
// (each costs a `Value`), the nesting depth, and may forbid maps altogether
// for formats that have none (receipts, tensors).
//
// A decoded `Value` refers into the input buffer (strings and the exact raw
// encoding of every item as `raw`), so the caller keeps the input alive while
// it uses the tree. Nothing is ever re-encoded to check a signature: `raw` is
// the bytes as received.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::cbor {

enum class Type : uint8_t {
  kUnsigned,  // major 0: `uint` is the value
  kNegative,  // major 1: the value is -1 - `uint`
  kBytes,     // major 2: `str`
  kText,      // major 3: `str` (UTF-8 not validated here)
  kArray,     // major 4: `items`
  kMap,       // major 5: `items` = key0, value0, key1, value1, ...
  kTag,       // major 6: `uint` is the tag, `items[0]` the tagged item
  kSimple,    // major 7: `uint` is the simple value (20 false, 21 true, 22 null, 23 undefined)
  kFloat,     // major 7, half/single/double: only `raw` is kept
};

inline constexpr int kMaxDepth = 16;

// Bounds applied by `Decode`; the defaults suit every format vinet reads.
struct Limits {
  size_t max_bytes = size_t{1} << 26;  // input size, checked first
  size_t max_items = size_t{1} << 16;  // data items in the whole tree
  int max_depth = kMaxDepth;           // nesting (0 = a scalar at the top)
  bool allow_maps = true;              // false: any map is an error
};
inline constexpr uint64_t kSimpleFalse = 20, kSimpleTrue = 21, kSimpleNull = 22;

struct Value {
  Type type = Type::kUnsigned;
  uint64_t uint = 0;
  ByteSpan str;
  std::vector<Value> items;
  ByteSpan raw;       // the item's exact encoding, header included
  size_t offset = 0;  // offset of `raw` in the decoded buffer
  bool indefinite = false;

  bool IsNull() const { return type == Type::kSimple && uint == kSimpleNull; }
  std::string_view text() const { return {reinterpret_cast<const char*>(str.data()), str.size()}; }
  size_t map_size() const { return items.size() / 2; }
  const Value& key(size_t i) const { return items[2 * i]; }
  const Value& value(size_t i) const { return items[2 * i + 1]; }
  // Map lookup by text key; nullptr when absent or when this is not a map.
  const Value* Find(std::string_view text_key) const;
  // Map lookup by unsigned-integer key.
  const Value* Find(uint64_t uint_key) const;
  // Readable name of the type ("bytes", "map", ...), for error messages.
  std::string_view TypeName() const;
};

// Decodes one item spanning all of `data`. Errors: kParse with offset.
Result<Value> Decode(ByteSpan data);
Result<Value> Decode(ByteSpan data, const Limits& limits);

// Appends canonical (shortest-form) CBOR. Never fails.
class Writer {
 public:
  Writer& Uint(uint64_t v);
  Writer& Int(int64_t v);
  Writer& Bstr(ByteSpan b);
  Writer& Text(std::string_view s);
  Writer& Array(uint64_t n);
  Writer& Map(uint64_t n);
  Writer& IndefiniteMap();
  Writer& IndefiniteArray();
  Writer& Break();
  Writer& Tag(uint64_t tag);
  Writer& Bool(bool b);
  Writer& Null();
  // Appends already-encoded CBOR bytes verbatim.
  Writer& Raw(ByteSpan encoded);

  const Bytes& bytes() const& { return out_; }
  Bytes&& bytes() && { return std::move(out_); }

 private:
  void Head(uint8_t major, uint64_t v);
  Bytes out_;
};

}  // namespace vinet::cbor
