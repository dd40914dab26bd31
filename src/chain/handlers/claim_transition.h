// Transitions of a PENDING ZKML claim out of escrow (docs/chain.md, "ZKML
// settlement"). Private to the handlers.
//
//   SETTLED   the escrowed fee goes to the node
//   REJECTED  slash_invalid_bps of the node's stake, node jailed
//   EXPIRED   slash_missing_bps of the node's stake (not jailed)
// REJECTED/EXPIRED refund the fee to the client and credit it
// min(slash, compensation); the rest of the slash is burned. Every transition
// releases the fee from the node's unsettled value, stores the record with
// settled_height and reason, and emits a `vinet.claim` event. A node that is
// gone (withdrawn) is slashed nothing. Errors: kInternal from the store.
#pragma once

#include "vinet/chain/handlers.h"

namespace vinet::chain {

// stake * bps / 10000, without overflow.
uint64_t SlashAmount(uint64_t stake, uint32_t bps);

// The account address of a 32-byte public key stored in a record.
std::string AddressOfKeyBytes(const std::string& key);

Status ResolvePendingClaim(State& state, const statepb::Params& params, int64_t height,
                           statepb::Claim claim, statepb::ClaimStatus to, std::string reason,
                           Events& events);

// The `vinet.claim` event of a stored record (status, reason as recorded).
void EmitClaimEvent(Events& events, const statepb::Claim& claim, int64_t height);

}  // namespace vinet::chain
