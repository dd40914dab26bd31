// Verification of TEE receipts against attested enclave keys.
//
// `AttestationCache` remembers enclave keys whose attestation documents
// passed verification and policy: `Add` verifies the document under the
// given roots at `at_ms`, applies the policy (with an enclave key required),
// and keys the entry by the 32-byte Ed25519 key in `public_key`. An entry is
// valid until the leaf certificate's notAfter, or `ttl_ms` after the
// document's timestamp when that is earlier. Documents that fail (expired,
// debug without a dev policy, wrong root, ...) never enter the cache.
// Thread-safe: lookups share a lock, `Add` takes it exclusively.
//
// `VerifyReceipt` then costs one hash of the outputs and one or two Ed25519
// checks: mode TEE, enclave key in the cache and unexpired at `at_ms`,
// output_hash equal to protocol::TensorsHash(outputs), the enclave signature, and the
// node signature when present (node_id is the node's key). Errors:
// kVerification / kUnauthenticated naming the failed check.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>

#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/receipt.h"
#include "vinet/tee/policy.h"

namespace vinet::tee {

struct AttestedKey {
  crypto::PublicKey key{};
  std::map<uint32_t, Bytes> pcrs;
  std::string module_id;
  std::optional<Bytes> user_data;
  uint64_t timestamp_ms = 0;    // the document's
  uint64_t valid_until_ms = 0;  // receipts verified later are rejected
};

class AttestationCache {
 public:
  // Verifies and stores; returns the attested key. Re-adding a key replaces it.
  Result<AttestedKey> Add(ByteSpan document, std::span<const TrustRoot> roots, uint64_t at_ms,
                          const AttestationPolicy& policy,
                          std::optional<uint64_t> ttl_ms = std::nullopt);
  // The entry for `key`, if any (expired ones included; VerifyReceipt checks).
  std::optional<AttestedKey> Find(const crypto::PublicKey& key) const;
  size_t size() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<crypto::PublicKey, AttestedKey> entries_;
};

struct ReceiptExpectations {
  std::optional<Bytes> input_hash;  // the caller's own protocol::TensorsHash(inputs)
  std::optional<Bytes> inference_id;
  std::optional<std::string> model_id;
  bool require_node_signature = false;
};

Status VerifyReceipt(const protocol::Receipt& receipt, const AttestationCache& cache,
                     uint64_t at_ms, const ReceiptExpectations& expect = {});

}  // namespace vinet::tee
