#include "handlers/claim_prepare.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "handlers/compact_claim.h"
#include "vinet/protocol/claim_batch.h"

namespace vinet::chain {
namespace {

constexpr int kMinClaimsPerThread = 32;

// The enclave signature over `signing_bytes()` (only computed when checked).
template <typename SigningBytes>
bool EnclaveSignatureOk(const std::optional<Bytes>& key_bytes, const std::optional<Bytes>& sig,
                        bool verify_signatures, SigningBytes signing_bytes) {
  if (!key_bytes || !sig) return false;
  auto key = crypto::PublicKeyFromBytes(*key_bytes);
  return key.ok() && (!verify_signatures || crypto::Verify(*key, signing_bytes(), *sig));
}

void PrepareChatReceipt(const txpb::Claim& claim, PreparedClaim& p, bool verify_signatures) {
  auto receipt = protocol::DecodeChatReceipt(AsBytes(claim.receipt()));
  if (!receipt.ok()) {
    p.receipt_error = receipt.status().message();
    return;
  }
  p.chat_receipt = std::move(*receipt);
  const protocol::ChatReceipt& r = *p.chat_receipt;
  // As for tensor receipts: the tx signature already binds the node.
  if (!r.node_signature) p.node_signature_error = "receipt: node signature missing";
  p.enclave_signature_ok = EnclaveSignatureOk(r.enclave_key, r.enclave_signature, verify_signatures,
                                              [&] { return protocol::ChatEnclaveSigningBytes(r); });
}

void PrepareReceipt(const txpb::Claim& claim, PreparedClaim& p, bool verify_signatures) {
  if (claim.receipt().size() > protocol::kMaxClaimReceiptBytes) {
    p.receipt_error = "receipt: " + std::to_string(claim.receipt().size()) + " bytes exceed " +
                      std::to_string(protocol::kMaxClaimReceiptBytes);
    return;
  }
  if (p.request->request.kind == protocol::PayloadKind::kChat) {
    PrepareChatReceipt(claim, p, verify_signatures);
    return;
  }
  auto receipt = protocol::DecodeReceipt(AsBytes(claim.receipt()));
  if (!receipt.ok()) {
    p.receipt_error = receipt.status().message();
    return;
  }
  p.receipt = std::move(*receipt);
  const protocol::Receipt& r = *p.receipt;
  // The node's signature over the receipt is not verified here: the tx that
  // carries these exact receipt bytes is signed by the same key (receipt.node_id
  // must be the tx signer), so a second check would add nothing but cost.
  if (!r.node_signature) p.node_signature_error = "receipt: node signature missing";
  p.enclave_signature_ok = EnclaveSignatureOk(r.enclave_key, r.enclave_signature, verify_signatures,
                                              [&] { return protocol::EnclaveSigningBytes(r); });
}

// Runs the per-claim Ed25519 checks on a claim prepared without them and
// returns how many verifications that took. The result is what
// PrepareClaim(claim, true) gives: a bad client signature leaves the receipt
// unread.
int VerifySignatures(PreparedClaim& p) {
  if (!p.request || !p.request_error.empty()) return 0;
  if (auto s = protocol::VerifyRequest(*p.request); !s.ok()) {
    PreparedClaim failed;
    failed.request = std::move(p.request);
    failed.id = p.id;
    failed.request_error = "request: " + s.message();
    p = std::move(failed);
    return 1;
  }
  if (!p.enclave_signature_ok) return 1;  // fields missing or key malformed: nothing to verify
  if (p.receipt) {
    const protocol::Receipt& r = *p.receipt;
    p.enclave_signature_ok = EnclaveSignatureOk(r.enclave_key, r.enclave_signature, true,
                                                [&] { return protocol::EnclaveSigningBytes(r); });
  } else if (p.chat_receipt) {
    const protocol::ChatReceipt& r = *p.chat_receipt;
    p.enclave_signature_ok = EnclaveSignatureOk(r.enclave_key, r.enclave_signature, true, [&] {
      return protocol::ChatEnclaveSigningBytes(r);
    });
  }
  return 2;
}

bool SameBytes(ByteSpan a, ByteSpan b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// The claim's leaf when `batch_key`'s attestation covers it (header comment).
std::optional<crypto::Digest256> CoveredLeaf(const PreparedClaim& p, ByteSpan batch_key) {
  if (!p.request || !p.request_error.empty()) return std::nullopt;
  if (p.receipt && p.receipt->mode == protocol::Mode::kTee && p.receipt->enclave_key &&
      SameBytes(*p.receipt->enclave_key, batch_key)) {
    return protocol::ClaimLeaf(p.id, protocol::EnclaveSigningBytes(*p.receipt));
  }
  if (p.chat_receipt && p.chat_receipt->mode == protocol::Mode::kTee &&
      p.chat_receipt->enclave_key && SameBytes(*p.chat_receipt->enclave_key, batch_key)) {
    return protocol::ClaimLeaf(p.id, protocol::ChatEnclaveSigningBytes(*p.chat_receipt));
  }
  return std::nullopt;
}

// Calls f(i) for i in [0, n), split across up to `threads` threads.
template <typename F>
void ParallelFor(int n, int threads, F f) {
  auto run = [&](int begin, int end) {
    for (int i = begin; i < end; ++i) f(i);
  };
  int workers = std::max(1, std::min(threads, n / kMinClaimsPerThread));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(run, n * w / workers, n * (w + 1) / workers);
  run(0, n / workers);
  for (auto& t : pool) t.join();
}

// Verifies the batch signature over the covered leaves; marks them in `covered`.
BatchOutcome CheckBatch(const txpb::EnclaveBatch& batch, ByteSpan node_id,
                        const std::vector<std::optional<crypto::Digest256>>& leaves,
                        std::vector<char>& covered, size_t& checks) {
  BatchOutcome out;
  out.present = true;
  std::vector<crypto::Digest256> signed_leaves;
  for (const auto& leaf : leaves) {
    if (leaf) signed_leaves.push_back(*leaf);
  }
  out.covered = signed_leaves.size();
  auto key = crypto::PublicKeyFromBytes(AsBytes(batch.enclave_key()));
  if (!key.ok()) {
    out.error = "batch.enclave_key: " + key.status().message();
    return out;
  }
  if (signed_leaves.empty()) {
    out.error = "batch: covers no TEE claim of this tx";
    return out;
  }
  if (signed_leaves.size() > protocol::kMaxBatchLeaves) {
    out.error = "batch: " + std::to_string(signed_leaves.size()) + " claims exceed " +
                std::to_string(protocol::kMaxBatchLeaves);
    return out;
  }
  Bytes message =
      protocol::ClaimBatchSigningBytes(node_id, static_cast<uint32_t>(signed_leaves.size()),
                                       protocol::ClaimBatchRoot(signed_leaves));
  ++checks;
  if (!crypto::Verify(*key, message, AsBytes(batch.signature()))) {
    out.error = "batch.signature does not verify over the tx's claims";
    return out;
  }
  out.verified = true;
  for (size_t i = 0; i < leaves.size(); ++i) covered[i] = leaves[i].has_value();
  return out;
}

}  // namespace

PreparedClaim PrepareClaim(const txpb::Claim& claim, bool verify_signatures) {
  PreparedClaim p;
  auto decoded = protocol::DecodeSignedRequest(AsBytes(SerializeDeterministic(claim.request())));
  if (!decoded.ok()) {
    p.request_error = decoded.status().message();
    return p;
  }
  p.request = std::move(*decoded);
  p.id = protocol::InferenceId(*p.request);
  PrepareReceipt(claim, p, false);
  if (verify_signatures) VerifySignatures(p);
  return p;
}

PreparedClaims PrepareClaims(const txpb::SubmitClaims& msg, ByteSpan node_id, int threads) {
  const int full = msg.claims_size();
  const int n = full + msg.compact_claims_size();
  PreparedClaims out;
  out.claims.resize(static_cast<size_t>(n));
  const bool has_batch = msg.has_batch();
  std::vector<std::optional<crypto::Digest256>> leaves(has_batch ? static_cast<size_t>(n) : 0);
  ByteSpan batch_key = AsBytes(msg.batch().enclave_key());
  ParallelFor(n, threads, [&](int i) {
    auto& p = out.claims[static_cast<size_t>(i)];
    p = i < full ? PrepareClaim(msg.claims(i), false)
                 : PrepareCompactClaim(msg.compact_claims(i - full), node_id, batch_key);
    if (has_batch) leaves[static_cast<size_t>(i)] = CoveredLeaf(p, batch_key);
  });
  std::vector<char> covered(static_cast<size_t>(n), 0);
  if (has_batch) {
    out.batch = CheckBatch(msg.batch(), node_id, leaves, covered, out.signature_checks);
  }
  std::atomic<size_t> checks{0};
  ParallelFor(n, threads, [&](int i) {
    auto& p = out.claims[static_cast<size_t>(i)];
    if (p.compact) {  // the batch or nothing: no signatures of its own
      p.enclave_signature_ok = covered[static_cast<size_t>(i)] != 0;
      if (!p.enclave_signature_ok) {
        p.compact_error = !p.receipt_error.empty() ? p.receipt_error
                          : !has_batch             ? "compact claim without a batch"
                          : out.batch.verified     ? "compact claim not covered by the batch"
                                                   : "compact claim: " + out.batch.error;
      }
      return;
    }
    if (covered[static_cast<size_t>(i)]) return;
    checks.fetch_add(static_cast<size_t>(VerifySignatures(p)), std::memory_order_relaxed);
  });
  out.signature_checks += checks.load();
  return out;
}

}  // namespace vinet::chain
