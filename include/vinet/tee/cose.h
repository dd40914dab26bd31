// COSE_Sign1 (RFC 9052) envelopes as AWS Nitro attestation documents use them.
//
// `ParseCoseSign1` accepts an untagged 4-element array or the same wrapped in
// tag 18, and rejects any other tag or length, trailing bytes, a protected
// header that is not exactly {1: -35} (ES384), a non-empty unprotected map, a
// payload outside 1..16384 bytes, and a signature that is not 96 raw bytes
// (r||s; a DER signature is rejected). Errors are kParse (malformed) or
// kUnsupported (another algorithm). The returned spans point into `document`.
#pragma once

#include <cstdint>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::tee {

inline constexpr int64_t kCoseAlgEs384 = -35;
inline constexpr uint64_t kCoseSign1Tag = 18;
inline constexpr size_t kMaxPayloadBytes = 16384;
// A whole COSE_Sign1 document: the payload plus headers and signature.
inline constexpr size_t kMaxDocumentBytes = kMaxPayloadBytes + 512;
inline constexpr size_t kEs384SignatureBytes = 96;

struct CoseSign1 {
  ByteSpan protected_header;  // contents of the protected bstr, as received
  ByteSpan payload;           // contents of the payload bstr, as received
  ByteSpan signature;         // 96 bytes: r (48) || s (48)
  bool tagged = false;        // wrapped in tag 18
};

Result<CoseSign1> ParseCoseSign1(ByteSpan document);

// The bytes that are signed: CBOR ["Signature1", protected, h'', payload].
Bytes Sig1Structure(ByteSpan protected_header, ByteSpan payload);

// Builds an untagged COSE_Sign1 with protected header {1: -35}; used by the
// emulator and by tests that rebuild an envelope around changed parts.
Bytes EncodeCoseSign1(ByteSpan protected_header, ByteSpan payload, ByteSpan signature);
// The canonical ES384 protected header bytes: a1 01 38 22.
Bytes Es384ProtectedHeader();

}  // namespace vinet::tee
