// Policy checks on a verified attestation document.
//
// `CheckPolicy` applies, in order: freshness (the document's timestamp is at
// most `max_age_ms` older than the verification time, and at most
// `max_future_ms` after it), the expected nonce (exact bytes), debug-mode
// rejection (all-zero PCR0) unless `allow_debug`, the PCR allowlist (each
// listed index must be present and equal, byte for byte, to one of its
// allowed values), and key binding (`public_key` is a 32-byte Ed25519 key,
// equal to `expected_public_key` when given; `user_data` equals
// `expected_user_data` when given). Errors: kVerification naming the rule.
// The time checked against is the `verified_at_ms` the chain was checked at,
// so chain validity and freshness always refer to the same instant.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/tee/verifier.h"

namespace vinet::tee {

struct AttestationPolicy {
  std::optional<uint64_t> max_age_ms;  // nullopt: no freshness rule
  uint64_t max_future_ms = 60'000;     // allowed clock skew ahead of the verifier
  std::optional<Bytes> expected_nonce;
  std::map<uint32_t, std::vector<Bytes>> pcr_allowlist;
  bool allow_debug = false;
  bool require_enclave_key = false;  // public_key must be a 32-byte Ed25519 key
  std::optional<Bytes> expected_public_key;
  std::optional<Bytes> expected_user_data;
};

Status CheckPolicy(const VerifiedAttestation& attestation, const AttestationPolicy& policy);

// The Ed25519 enclave key in `public_key`. Errors: kVerification (absent or
// not 32 bytes).
Result<crypto::PublicKey> EnclaveKeyOf(const AttestationDocument& doc);

// Verifies the document, then checks the policy at the same time `at_ms`.
Result<VerifiedAttestation> VerifyWithPolicy(ByteSpan document, std::span<const TrustRoot> roots,
                                             uint64_t at_ms, const AttestationPolicy& policy);

}  // namespace vinet::tee
