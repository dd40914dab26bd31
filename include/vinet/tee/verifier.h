// Verification of AWS Nitro attestation documents (and the emulator's, which
// use the same format under a dev root).
//
// `VerifyAttestation` runs, in order, and stops at the first failure:
//   1. COSE_Sign1 envelope (cose.h) and payload field rules (attestation.h);
//   2. cabundle[0] equals a given root byte for byte (pinning);
//   3. the document timestamp lies inside the leaf certificate's validity
//      (this catches a timestamp in seconds);
//   4. the X.509 chain leaf → cabundle[n..1] → root at the caller's time
//      `at_ms`, with only the root trusted and the rest untrusted, CA flags and
//      path lengths enforced by OpenSSL, and the built path using exactly the
//      bundle in order (no extra or reordered certificates);
//   5. the leaf: not a CA, digitalSignature, a P-384 EC key;
//   6. ES384 over the Sig_structure built from the bytes as received, with
//      the raw r||s signature. High-S signatures are valid (ECDSA allows both
//      s and n-s), so signature bytes are never an identifier.
// Errors: kParse / kUnsupported (malformed), kVerification (a check failed),
// with a message that names the check ("chain: certificate has expired").
// Verifying checks no policy (freshness, nonce, PCRs, debug): see policy.h.
// Thread-safe; no global state.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/tee/attestation.h"
#include "vinet/tee/trust_root.h"

namespace vinet::tee {

struct CertificateInfo {
  std::string subject;
  std::string issuer;
  std::string serial_hex;
  int64_t not_before_s = 0;  // Unix seconds
  int64_t not_after_s = 0;
};

struct VerifiedAttestation {
  AttestationDocument document;
  CertificateInfo leaf;
  std::string root_fingerprint;  // hex SHA-256 of the root it chained to
  uint64_t verified_at_ms = 0;
};

Result<VerifiedAttestation> VerifyAttestation(ByteSpan document, const TrustRoot& root,
                                              uint64_t at_ms);
// Same, anchoring on whichever of `roots` equals cabundle[0].
Result<VerifiedAttestation> VerifyAttestation(ByteSpan document, std::span<const TrustRoot> roots,
                                              uint64_t at_ms);

// Parses envelope and payload only, with no cryptographic check; for tools
// that print a document. Never use its result to make a trust decision.
Result<AttestationDocument> ParseAttestationUnverified(ByteSpan document);

}  // namespace vinet::tee
