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
//              request, bad node signature, unknown/foreign/expired enclave,
//              PCR0 no longer allowed, bad enclave signature
//              (`slash` false for an expired enclave key: a liveness lapse,
//              not a forgery; the claim is refused without slashing)
//   kValid     every check passed
#pragma once

#include <optional>
#include <string>

#include "handlers/claim_prepare.h"
#include "vinet/chain/handlers.h"
#include "vinet/protocol/request.h"

namespace vinet::chain {

struct ClaimCheck {
  enum class Outcome { kValid, kInvalid, kDuplicate, kRejected };
  Outcome outcome = Outcome::kInvalid;
  std::string reason;                              // empty when valid
  bool slash = true;                               // kRejected: slash and jail the node
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
