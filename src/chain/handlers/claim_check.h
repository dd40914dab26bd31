// Verification of one SubmitClaims claim against state at block time
// (docs/network.md). Pure: reads state, writes nothing. The outcome says
// which status the claim earns before funding and risk checks:
//   kInvalid   malformed request, bad client signature, wrong chain id,
//              request addressed to another node than the tx signer,
//              request expired at block time or living longer than
//              max_request_ttl_ms, unknown model or mode the model does not
//              offer (skipped)
//   kDuplicate its inference id already has a record (skipped)
//   kRejected  node-attributable: receipt malformed or inconsistent with the
//              request, bad node signature, bad enclave signature (checked
//              before anything about the key), unknown/foreign enclave,
//              PCR0 no longer allowed
//   kRefused   a valid enclave signature under an expired key: a liveness
//              lapse, not a forgery; no record, no slash, so the node can
//              re-attest and resubmit the same claim (event REFUSED)
//   kValid     every check passed
#pragma once

#include <optional>
#include <string>

#include "handlers/claim_prepare.h"
#include "vinet/chain/handlers.h"
#include "vinet/protocol/request.h"

namespace vinet::chain {

struct ClaimCheck {
  enum class Outcome { kValid, kInvalid, kDuplicate, kRejected, kRefused };
  Outcome outcome = Outcome::kInvalid;
  std::string reason;                              // empty when valid
  std::optional<protocol::SignedRequest> request;  // set unless malformed
  std::string id_hex;
  std::optional<statepb::Model> model;
};

ClaimCheck CheckClaim(const State& state, const TxContext& ctx, const DecodedTx& tx,
                      const txpb::Claim& claim);
// The same on a claim already prepared (claim_prepare.h), e.g. in parallel.
ClaimCheck CheckClaim(const State& state, const TxContext& ctx, const DecodedTx& tx,
                      const PreparedClaim& prepared);

}  // namespace vinet::chain
