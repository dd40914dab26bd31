#include "vinet/tee/policy.h"

#include <algorithm>
#include <string>

namespace vinet::tee {
namespace {

Status Fail(std::string what) {
  return Error(Code::kVerification, "policy: " + std::move(what));
}

Status CheckFreshness(const AttestationDocument& doc, const AttestationPolicy& policy,
                      uint64_t at_ms) {
  if (doc.timestamp_ms > at_ms && doc.timestamp_ms - at_ms > policy.max_future_ms) {
    return Fail("timestamp " + std::to_string(doc.timestamp_ms) + " ms is " +
                std::to_string(doc.timestamp_ms - at_ms) + " ms in the future");
  }
  if (policy.max_age_ms && at_ms > doc.timestamp_ms &&
      at_ms - doc.timestamp_ms > *policy.max_age_ms) {
    return Fail("document is " + std::to_string(at_ms - doc.timestamp_ms) +
                " ms old, more than max age " + std::to_string(*policy.max_age_ms) + " ms");
  }
  return Status::Ok();
}

Status CheckPcrs(const AttestationDocument& doc, const AttestationPolicy& policy) {
  for (const auto& [index, allowed] : policy.pcr_allowlist) {
    auto it = doc.pcrs.find(index);
    if (it == doc.pcrs.end()) return Fail("PCR" + std::to_string(index) + " is absent");
    if (std::find(allowed.begin(), allowed.end(), it->second) == allowed.end()) {
      return Fail("PCR" + std::to_string(index) + " " + ToHex(it->second) + " is not allowed");
    }
  }
  return Status::Ok();
}

Status CheckKeyBinding(const AttestationDocument& doc, const AttestationPolicy& policy) {
  if (policy.require_enclave_key || policy.expected_public_key) {
    VINET_ASSIGN_OR_RETURN(crypto::PublicKey key, EnclaveKeyOf(doc));
    if (policy.expected_public_key &&
        !std::equal(key.begin(), key.end(), policy.expected_public_key->begin(),
                    policy.expected_public_key->end())) {
      return Fail("public_key does not match the expected enclave key");
    }
  }
  if (policy.expected_user_data && doc.user_data != policy.expected_user_data) {
    return Fail("user_data does not match the expected configuration hash");
  }
  return Status::Ok();
}

}  // namespace

Result<crypto::PublicKey> EnclaveKeyOf(const AttestationDocument& doc) {
  if (!doc.public_key) return Fail("public_key is absent; an enclave key is required");
  if (doc.public_key->size() != 32) {
    return Fail("public_key is " + std::to_string(doc.public_key->size()) +
                " bytes, not a 32-byte Ed25519 key");
  }
  crypto::PublicKey key{};
  std::copy(doc.public_key->begin(), doc.public_key->end(), key.begin());
  return key;
}

Status CheckPolicy(const VerifiedAttestation& attestation, const AttestationPolicy& policy) {
  const AttestationDocument& doc = attestation.document;
  VINET_RETURN_IF_ERROR(CheckFreshness(doc, policy, attestation.verified_at_ms));
  if (policy.expected_nonce && doc.nonce != policy.expected_nonce) {
    return Fail(doc.nonce ? "nonce does not match" : "nonce is absent but one is expected");
  }
  if (doc.IsDebug() && !policy.allow_debug) {
    return Fail("debug-mode enclave (PCR0 is all zero) is not allowed");
  }
  VINET_RETURN_IF_ERROR(CheckPcrs(doc, policy));
  return CheckKeyBinding(doc, policy);
}

Result<VerifiedAttestation> VerifyWithPolicy(ByteSpan document, std::span<const TrustRoot> roots,
                                             uint64_t at_ms, const AttestationPolicy& policy) {
  VINET_ASSIGN_OR_RETURN(VerifiedAttestation v, VerifyAttestation(document, roots, at_ms));
  VINET_RETURN_IF_ERROR(CheckPolicy(v, policy));
  return v;
}

}  // namespace vinet::tee
