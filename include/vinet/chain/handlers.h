// One handler per message: validate the message against state, then apply it.
//
// A handler runs after the executor has authenticated the tx, checked chain
// id, nonce and fee, and charged the fee. It reads and writes `state` (a
// per-tx overlay the executor discards if the handler fails) and appends its
// events. Handlers are deterministic: no clocks, no randomness, no unordered
// iteration.
#pragma once

#include <array>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/state.h"
#include "vinet/chain/tx.h"

namespace vinet::chain {

struct TxContext {
  int64_t height = 0;  // the block being executed (for CheckTx: last committed + 1)
  std::string_view chain_id;
  statepb::Params params;
  // Block time (Unix ms) from the FinalizeBlock header; for CheckTx the last
  // block's time. The only clock handlers may read.
  int64_t block_time_ms = 0;
  uint32_t tx_index = 0;  // position of the tx in its block
  // CheckTx (mempool admission): handlers may skip work whose outcome cannot
  // fail the tx (SubmitClaims' per-claim checks, ZKML proof verification) and
  // reject early instead; effects are never committed in this mode.
  bool check_only = false;
  // ZKML verify units already spent in this block (FinalizeBlock owns the
  // counter; null: the tx gets a fresh budget of max_block_verify_units).
  uint64_t* block_verify_units = nullptr;
  // Recheck of bytes already verified by CheckTx: skip claim signatures.
  bool signatures_verified = false;
  // The fee schedule's stateless part for this tx (chain/fee.h), already
  // checked by the executor; SubmitProofs adds its verification fee to it.
  uint64_t stateless_fee = 0;
  // ZKML verify units each node used in this block (FinalizeBlock owns it;
  // null: no other txs of the block are known).
  std::map<std::string, uint64_t>* node_verify_units = nullptr;
};

using Events = std::vector<::tendermint::abci::Event>;

TxStatus HandleTransfer(State& state, const TxContext& ctx, const DecodedTx& tx,
                        const txpb::Transfer& msg, Events& events);
TxStatus HandleRegisterNode(State& state, const TxContext& ctx, const DecodedTx& tx,
                            const txpb::RegisterNode& msg, Events& events);
TxStatus HandleUnbond(State& state, const TxContext& ctx, const DecodedTx& tx,
                      const txpb::Unbond& msg, Events& events);
TxStatus HandleWithdraw(State& state, const TxContext& ctx, const DecodedTx& tx,
                        const txpb::Withdraw& msg, Events& events);

TxStatus HandleRegisterModel(State& state, const TxContext& ctx, const DecodedTx& tx,
                             const txpb::RegisterModel& msg, Events& events);
// UpdateModel (update_model.cpp): the owner changes the allowlist, the fee
// for requests signed from now on, or retires the model.
TxStatus HandleUpdateModel(State& state, const TxContext& ctx, const DecodedTx& tx,
                           const txpb::UpdateModel& msg, Events& events);
TxStatus HandleRegisterEnclave(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::RegisterEnclave& msg, Events& events);
TxStatus HandleSubmitClaims(State& state, const TxContext& ctx, const DecodedTx& tx,
                            const txpb::SubmitClaims& msg, Events& events);
TxStatus HandleSubmitProofs(State& state, const TxContext& ctx, const DecodedTx& tx,
                            const txpb::SubmitProofs& msg, Events& events);

// After a SubmitProofs failed with verify_budget_exceeded in FinalizeBlock
// (refused only for lack of block budget): each named claim still PENDING,
// owned by the signer and due within `budget_grace_blocks` gets its deadline
// moved to height + budget_grace_blocks (at most zkml_deadline_blocks past
// its first deadline), so the crowded-out node is not slashed. Writes to
// `state` (kept although the tx failed); one `vinet.proof` DEFERRED event each.
Status DeferProofDeadlines(State& state, const TxContext& ctx, const DecodedTx& tx,
                           const txpb::SubmitProofs& msg, Events& events);

// Client deposits per node (handlers/deposit.cpp).
TxStatus HandleDeposit(State& state, const TxContext& ctx, const DecodedTx& tx,
                       const txpb::Deposit& msg, Events& events);
TxStatus HandleReleaseDeposit(State& state, const TxContext& ctx, const DecodedTx& tx,
                              const txpb::ReleaseDeposit& msg, Events& events);
TxStatus HandleWithdrawDeposit(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::WithdrawDeposit& msg, Events& events);

// Validators by stake (create_validator.cpp, validator_bond.cpp; staking.h).
TxStatus HandleCreateValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::CreateValidator& msg, Events& events);
TxStatus HandleBondValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                             const txpb::BondValidator& msg, Events& events);
TxStatus HandleUnbondValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::UnbondValidator& msg, Events& events);
TxStatus HandleUnjailValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::UnjailValidator& msg, Events& events);

// End of block `height`: every claim still PENDING with deadline height − 1
// (the deadline index bucket, so no scan) becomes EXPIRED: slash_missing_bps
// of the node's stake, the fee refunded to the client plus compensation from
// the slash, risk released; one `vinet.claim` event each. kInternal on store
// failure.
Status ExpireClaims(State& state, const statepb::Params& params, int64_t height, Events& events);

// State retention (claim_retention_blocks R > 0). A claim that reached a final
// status at height h enters the retention bucket of h + R. At the end of
// block H the bucket of H is swept: a claim whose request has expired at
// `block_time_ms` (so no one can claim it again) is deleted; any other moves
// to the bucket of H + R·2^d (d = times deferred, at most 20), so even a
// far-future expiry costs O(log) moves. Work per block: the bucket's size.
// The claims one SubmitClaims tx makes final share one entry (a group: each
// claim with its request's expiry; a sweep deletes the expired ones and
// defers the rest together): two writes per tx, not per claim.
Status ScheduleClaimPruning(State& state, const statepb::Params& params, int64_t height,
                            const statepb::Claim& claim);
struct RetainedClaim {
  std::string inference_id;
  int64_t request_expires_ms = 0;
};
Status ScheduleClaimGroupPruning(State& state, const statepb::Params& params, int64_t height,
                                 const std::vector<RetainedClaim>& claims);
Status PruneClaims(State& state, const statepb::Params& params, int64_t height,
                   int64_t block_time_ms);

// Appends an event whose attributes are all indexed.
void AddEvent(Events& events, std::string_view type,
              std::initializer_list<std::pair<std::string_view, std::string>> attributes);

// The same, indexing only the attributes named in `indexed` (CometBFT's tx
// indexer writes one key per indexed attribute, so a per-claim event indexes
// only what clients search by; subscriptions match every attribute).
void AddEvent(Events& events, std::string_view type,
              std::initializer_list<std::pair<std::string_view, std::string>> attributes,
              std::span<const std::string_view> indexed);

// The attributes of a `vinet.claim` event that are indexed.
inline constexpr std::array<std::string_view, 3> kIndexedClaimAttributes = {"id", "node", "client"};

}  // namespace vinet::chain
