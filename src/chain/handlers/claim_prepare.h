// The state-free half of checking SubmitClaims claims: decoding the request
// and receipt, the inference id, and the Ed25519 checks of the client's
// request and the enclave's receipt signature. The node's receipt signature
// is only required present: the tx carrying the receipt bytes is signed by
// that same node key (CheckClaim requires receipt.node_id = tx signer), which
// already proves the node endorsed them. The request's payload kind decides
// the receipt's form: a tensor receipt (protocol/receipt.h) for an inference,
// a chat receipt (protocol/chat_receipt.h) for a chat; both are bounded by
// kMaxClaimReceiptBytes before decoding. Pure functions of the claim bytes, so a batch may be
// prepared on several threads: the results are the same whatever the split, which keeps
// FinalizeBlock deterministic. CheckClaim (claim_check.h) then applies the
// state-dependent rules, in claim order, on these results.
//
// Enclave-attested batches (SubmitClaims.batch, protocol/claim_batch.h): the
// batch covers, in tx order, every claim whose request decodes and whose
// decoded TEE receipt (tensor or chat) names batch.enclave_key. If the one
// signature over ClaimBatchSigningBytes(tx signer, count, root of their
// leaves) verifies, those claims skip both per-claim Ed25519 checks: the
// attested enclave verified the client's signature and signed the receipt
// (it records a leaf only then). Anything else (bad key, wrong root, no
// covered claim) leaves the batch unverified and every claim is checked on
// its own, exactly as without a batch. The outcome is a function of the tx
// bytes alone, whatever the thread split.
//
// Compact claims (SubmitClaims.compact_claims, compact_claim.h) come after
// the full claims, in their order; the batch covers every one whose request
// and rebuilt receipt are well-formed. They have no per-claim signatures to
// fall back on: unless the batch verifies, each is INVALID (compact_error).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vinet/chain/handlers.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/receipt.h"
#include "vinet/protocol/request.h"

namespace vinet::chain {

struct PreparedClaim {
  std::string request_error;  // decode or client-signature failure, "" when fine
  std::optional<protocol::SignedRequest> request;
  crypto::Digest256 id{};
  std::string receipt_error;                          // decode failure, "" when fine
  std::optional<protocol::Receipt> receipt;           // inference claims
  std::optional<protocol::ChatReceipt> chat_receipt;  // chat claims
  std::string node_signature_error;                   // "" when the node signature is present
  bool enclave_signature_ok = false;                  // enclave fields present and verifying
  // A compact claim (compact_claim.h): no signatures of its own, so
  // enclave_signature_ok means "covered by the tx's verified batch"; when it
  // is not, compact_error says why (the claim is INVALID).
  bool compact = false;
  std::string compact_error;
};

// `verify_signatures` false (mempool recheck of bytes already verified):
// the client and enclave signatures are taken as verified.
PreparedClaim PrepareClaim(const txpb::Claim& claim, bool verify_signatures = true);

// What became of a tx's batch attestation.
struct BatchOutcome {
  bool present = false;   // the tx carries one
  bool verified = false;  // its signature verified over the covered claims
  size_t covered = 0;     // claims it covers (the leaf count signed)
  std::string error;      // why it did not verify, "" when verified or absent
};

struct PreparedClaims {
  std::vector<PreparedClaim> claims;  // one per claim, in tx order (full, then compact)
  BatchOutcome batch;
  // Ed25519 verifications run (the batch's included): what the batch saves.
  size_t signature_checks = 0;
};

// Prepares every claim of a tx signed by `node_id`, using its batch
// attestation when it verifies; large batches are split across `threads`
// (≥ 1) threads, each claim's result independent of the split.
PreparedClaims PrepareClaims(const txpb::SubmitClaims& msg, ByteSpan node_id, int threads = 2);

}  // namespace vinet::chain
