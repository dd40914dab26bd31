// Validators by stake (docs/chain.md "Validators"): the consensus validator
// set follows bonded stake, misbehavior reported by CometBFT is slashed.
//
// A validator record ("v/<operator>") holds a 32-byte Ed25519 consensus key,
// its bond and its unbonding entries. Voting power = bond / power_reduction.
// At the end of every block that changed any validator record, the set is
// recomputed: eligible validators (unjailed, bond >= min_self_bond, power > 0)
// sorted by power (descending), ties by consensus key (ascending bytes), the
// first max_validators. The diff against "s/active" (the set CometBFT was last
// given) becomes FinalizeBlock's validator_updates (power 0 removes); CometBFT
// applies them at height + 2. A recomputation that would leave no validator
// changes nothing (CometBFT cannot run without one).
//
// Unbonding entries complete at the end of block creation + unbonding_blocks
// ("u/<height>" lists the operators concerned, so no scan). Misbehavior
// (DUPLICATE_VOTE, LIGHT_CLIENT_ATTACK) slashes slash_double_sign_bps of the
// bond and of every unbonding entry whose stake still carried voting power
// at the infraction height h (created at h - 1 or later: set changes take
// effect two blocks on), burns it, jails the validator for jail_blocks and
// records the evidence ("b/<hash>", listed under "h/<h>"). Everything here is
// deterministic: no clocks, ordered iteration only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/handlers.h"
#include "vinet/chain/state.h"

namespace vinet::chain {

// Unbonding entries a validator may have at once.
inline constexpr int kMaxUnbondingEntries = 16;
// Evidence hashes kept in "s/evidence" (newest last), for `/evidence`.
inline constexpr int kRecentEvidence = 100;
// Smallest power_reduction: keeps the total power of any supply (< 2^64)
// within CometBFT's MaxTotalVotingPower, (2^63 - 1) / 8.
inline constexpr uint64_t kMinPowerReduction = 16;

// CometBFT's address of an Ed25519 key: hex(SHA-256(key)[0..20]), lowercase.
std::string ConsensusAddress(std::string_view pubkey);

// bond / power_reduction.
int64_t PowerOf(uint64_t bond, const statepb::Params& params);

// Records a new validator (genesis or CreateValidator): its record, the
// address index and the candidates index. The caller checked that neither
// the operator nor the key is in use. kInternal on store failure.
Status AddValidator(State& state, const statepb::Validator& validator);

// Appends `operator_address` to the unbonding queue of `complete_height`.
Status QueueUnbonding(State& state, std::string_view operator_address, int64_t complete_height);

// End of block `height`: unbonding entries completing at `height` return to
// their operators' balances; one `vinet.validator` event (action
// unbond_complete) each.
Status CompleteUnbondings(State& state, int64_t height, Events& events);

// The block's misbehavior list: slash, jail, record (see above); one
// `vinet.evidence` event each.
Status ApplyMisbehavior(
    State& state, const statepb::Params& params,
    const google::protobuf::RepeatedPtrField<::tendermint::abci::Misbehavior>& misbehavior,
    int64_t height, Events& events);

// The evidence hash: hex SHA-256 of "vinet.evidence.v1|<type>|<consensus
// address>|<height>|<time ms>".
std::string EvidenceHash(std::string_view type, std::string_view consensus_address, int64_t height,
                         int64_t time_ms);

// Recomputes the set, stores it as "s/active" and returns the diff, sorted
// by consensus key.
Result<std::vector<::tendermint::abci::ValidatorUpdate>> UpdateValidatorSet(
    State& state, const statepb::Params& params);

}  // namespace vinet::chain
