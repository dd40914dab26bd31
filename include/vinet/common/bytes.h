// Byte strings and their hex form.
//
// `Bytes` is the owned byte-string type used across vinet; functions that only
// read bytes take `ByteSpan`. Hex decoding is strict: even length, [0-9a-fA-F]
// only, optional "0x" prefix; anything else is a Code::kParse error naming the
// offending offset. Encoding is lowercase.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/result.h"

namespace vinet {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Lowercase hex of `data`.
std::string ToHex(ByteSpan data);

// Decodes hex (optionally "0x"-prefixed). Errors: odd length, non-hex digit.
Result<Bytes> FromHex(std::string_view hex);

// Views a string's bytes / copies bytes into a string, without conversion.
inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline Bytes ToBytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
inline std::string ToString(ByteSpan b) {
  return std::string(b.begin(), b.end());
}

// Constant-time equality for secrets and MACs (length is not secret).
bool ConstantTimeEqual(ByteSpan a, ByteSpan b);

// Big-endian fixed-width encoders, used by canonical encodings.
void AppendU32BE(Bytes& out, uint32_t v);
void AppendU64BE(Bytes& out, uint64_t v);
// Appends a 4-byte big-endian length, then the bytes.
void AppendLengthPrefixed(Bytes& out, ByteSpan data);

}  // namespace vinet
