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
};

// `verify_signatures` false (mempool recheck of bytes already verified):
// the client and enclave signatures are taken as verified.
PreparedClaim PrepareClaim(const txpb::Claim& claim, bool verify_signatures = true);

// Prepares every claim of a batch; large batches are split across
// `threads` (≥ 1) threads, each claim's result independent of the split.
std::vector<PreparedClaim> PrepareClaims(const txpb::SubmitClaims& msg, int threads = 2);

}  // namespace vinet::chain
