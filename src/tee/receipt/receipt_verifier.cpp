#include "vinet/tee/receipt_verifier.h"

#include <algorithm>
#include <mutex>

namespace vinet::tee {
namespace {

Status Fail(std::string what) {
  return Error(Code::kVerification, "receipt: " + std::move(what));
}

Status CheckExpectations(const protocol::Receipt& r, const ReceiptExpectations& e) {
  if (e.input_hash && r.input_hash != *e.input_hash) return Fail("input_hash is not the caller's");
  if (e.inference_id && r.inference_id != *e.inference_id) return Fail("inference_id differs");
  if (e.model_id && r.model_id != *e.model_id) return Fail("model_id differs");
  return Status::Ok();
}

}  // namespace

Result<AttestedKey> AttestationCache::Add(ByteSpan document, std::span<const TrustRoot> roots,
                                          uint64_t at_ms, const AttestationPolicy& policy,
                                          std::optional<uint64_t> ttl_ms) {
  AttestationPolicy p = policy;
  p.require_enclave_key = true;
  VINET_ASSIGN_OR_RETURN(VerifiedAttestation v, VerifyWithPolicy(document, roots, at_ms, p));
  VINET_ASSIGN_OR_RETURN(crypto::PublicKey key, EnclaveKeyOf(v.document));
  AttestedKey entry;
  entry.key = key;
  entry.pcrs = v.document.pcrs;
  entry.module_id = v.document.module_id;
  entry.user_data = v.document.user_data;
  entry.timestamp_ms = v.document.timestamp_ms;
  entry.valid_until_ms = static_cast<uint64_t>(v.leaf.not_after_s) * 1000;
  if (ttl_ms)
    entry.valid_until_ms = std::min(entry.valid_until_ms, v.document.timestamp_ms + *ttl_ms);
  std::unique_lock lock(mu_);
  entries_[key] = entry;
  return entry;
}

std::optional<AttestedKey> AttestationCache::Find(const crypto::PublicKey& key) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

size_t AttestationCache::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

Status VerifyReceipt(const protocol::Receipt& r, const AttestationCache& cache, uint64_t at_ms,
                     const ReceiptExpectations& expect) {
  Status valid = protocol::ValidateReceipt(r);
  if (!valid.ok()) return Fail(valid.message());
  if (r.mode != protocol::Mode::kTee)
    return Fail("mode is " + std::string(protocol::ModeName(r.mode)) + ", not TEE");
  if (!r.enclave_key || !r.enclave_signature) return Fail("no enclave key or signature");
  VINET_RETURN_IF_ERROR(CheckExpectations(r, expect));
  crypto::PublicKey key{};
  std::copy(r.enclave_key->begin(), r.enclave_key->end(), key.begin());
  std::optional<AttestedKey> attested = cache.Find(key);
  if (!attested) return Fail("enclave key " + ToHex(key) + " has no verified attestation");
  if (at_ms > attested->valid_until_ms) {
    return Fail("enclave attestation expired at " + std::to_string(attested->valid_until_ms) +
                " ms");
  }
  auto hash = protocol::TensorsHash(r.outputs);
  if (!std::equal(hash.begin(), hash.end(), r.output_hash.begin(), r.output_hash.end())) {
    return Fail("output_hash does not match the outputs");
  }
  if (!crypto::Verify(key, protocol::EnclaveSigningBytes(r), *r.enclave_signature)) {
    return Error(Code::kUnauthenticated, "receipt: enclave signature does not verify");
  }
  if (r.node_signature) {
    VINET_RETURN_IF_ERROR(protocol::VerifyNodeSignature(r));
  } else if (expect.require_node_signature) {
    return Fail("node signature missing");
  }
  return Status::Ok();
}

}  // namespace vinet::tee
