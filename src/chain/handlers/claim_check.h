// Verification of one SubmitClaims claim against state at block time
// (docs/network.md). Pure: reads state, writes nothing. The outcome says
// which status the claim earns before funding and risk checks:
//   kInvalid   malformed request, bad client signature, wrong chain id,
//              a compact claim not covered by a verified batch or whose
//              batch key is not an enclave registered to the tx signer,
//              request addressed to another node than the tx signer,
//              request expired at block time or living longer than
//              max_request_ttl_ms, unknown model or mode the model does not
//              offer, a retired model, a TEE claim whose enclave PCR0 the
//              owner removed from the allowlist (UpdateModel), a chat request
//              for a non-gguf model or an inference request for a gguf model
//              (skipped)
//   kDuplicate its inference id already has a record (skipped)
//   kRejected  node-attributable: receipt malformed or inconsistent with the
//              request (a chat request needs a chat receipt whose
//              request_hash is the request's input_hash), bad node signature,
//              bad enclave signature (checked before anything about the key),
//              unknown/foreign enclave, PCR0 no longer allowed
//   kRefused   a valid enclave signature under an expired key, or (chat) a
//              registration that does not list the model: a liveness lapse,
//              not a forgery; no record, no slash, so the node can re-attest
//              and resubmit the same claim (event REFUSED)
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
  // Chat claims whose receipt decoded: its token counts (the fee's inputs).
  struct ChatUsage {
    uint32_t prompt_tokens = 0, completion_tokens = 0;
  };
  std::optional<ChatUsage> chat;
};

// The fee the claim settles for: the model's fee_per_inference in force when
// the request was signed (model_fee.h), or for a
// chat claim protocol::ChatFee over the receipt's token counts (kOutOfRange
// on overflow: such a fee exceeds any max_fee).
Result<uint64_t> ClaimFee(const ClaimCheck& check);

ClaimCheck CheckClaim(const State& state, const TxContext& ctx, const DecodedTx& tx,
                      const txpb::Claim& claim);
// The same on a claim already prepared (claim_prepare.h), e.g. in parallel.
ClaimCheck CheckClaim(const State& state, const TxContext& ctx, const DecodedTx& tx,
                      const PreparedClaim& prepared);

}  // namespace vinet::chain
