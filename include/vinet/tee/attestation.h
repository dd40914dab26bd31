// The payload of an AWS Nitro attestation document, typed.
//
// `ParseAttestationPayload` decodes the payload map strictly (definite or
// indefinite map): exactly the nine Nitro keys, each once (a duplicate is a
// parse error, so a later entry can never override a signed one), each with
// its type — module_id non-empty text, digest "SHA384", timestamp uint > 0
// (milliseconds), pcrs 1..32 entries index 0..31 of 32/48/64 bytes, certificate
// bstr, cabundle non-empty array of bstr (root first), public_key / user_data /
// nonce bstr (up to 1024 bytes each) or null. Unknown keys are rejected.
// Errors: kParse naming the field. Parsing checks nothing cryptographic: use
// `VerifyAttestation` (verifier.h) for that.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::tee {

inline constexpr size_t kMaxOptionalFieldBytes = 1024;
inline constexpr size_t kMaxPcrs = 32;

struct AttestationDocument {
  std::string module_id;
  std::string digest;         // always "SHA384"
  uint64_t timestamp_ms = 0;  // milliseconds since the Unix epoch
  std::map<uint32_t, Bytes> pcrs;
  Bytes certificate;            // DER leaf
  std::vector<Bytes> cabundle;  // DER, root first
  std::optional<Bytes> public_key;
  std::optional<Bytes> user_data;
  std::optional<Bytes> nonce;

  // True when PCR0 is present and all zero: a debug-mode enclave.
  bool IsDebug() const;
};

Result<AttestationDocument> ParseAttestationPayload(ByteSpan payload);

}  // namespace vinet::tee
