// The chain's genesis: CometBFT's `app_state` (JSON) for vinet.
//
//   {"accounts": [{"address": "<40 hex>", "balance": 1000000}, ...],
//    "params": {"min_stake": 1000, "unbonding_blocks": 10, "min_fee": 1,
//               "max_tx_bytes": 65536}}
//   "validators": [{"operator": "<40 hex>", "consensus_pubkey": "<64 hex>",
//                   "bond": 10000000}, ...]   (optional; docs/chain.md "Validators")
// Balances and params may be JSON numbers or decimal strings. Missing params
// take their defaults; an empty or null app_state is an empty genesis.
// Rejected (kParse, naming the field): malformed JSON, bad address,
// duplicate account, negative or non-integer amounts, unknown keys.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/state.h"

namespace vinet::chain {

struct GenesisAccount {
  std::string address;
  uint64_t balance = 0;
};

// A validator bonded from genesis (its bond is not taken from any balance).
struct GenesisValidator {
  std::string operator_address;
  std::string consensus_pubkey;  // 32 raw bytes
  uint64_t bond = 0;
};

struct Genesis {
  std::vector<GenesisAccount> accounts;
  std::vector<GenesisValidator> validators;
  statepb::Params params;
};

// Default cap on a block's ZKML verification work (zkml::VerifyCost units):
// an MLP 784-128-10 proof costs ~1.06M units and ~5 ms of one core, so this
// admits ~190 such proofs, about 1 s of verification (docs/chain.md).
inline constexpr uint64_t kDefaultMaxBlockVerifyUnits = 200'000'000;

// Settled claims stay in the live state this many blocks (about a day at
// one block per second); genesis param claim_retention_blocks, 0 = forever.
inline constexpr int64_t kDefaultClaimRetentionBlocks = 100'000;

statepb::Params DefaultParams();
Result<Genesis> ParseGenesis(std::string_view app_state_json);
std::string GenesisToJson(const Genesis& genesis);
// InitChain's consensus inputs (staking/init_chain.cpp): CometBFT's
// evidence.max_age_num_blocks must be in 1..unbonding_blocks, so stake that
// carried voting power at an infraction is still slashable when its evidence
// arrives (recorded as params.evidence_max_age_blocks); if the app_state names
// no validators, CometBFT's genesis validators are adopted: operator = the
// key's address, bond = power × power_reduction. kInvalidArgument naming the
// field otherwise.
Status AdoptConsensusGenesis(const ::tendermint::abci::RequestInitChain& req, Genesis& genesis);

// Writes genesis records into `state` (validators included). kInternal on
// store failure.
Status ApplyGenesis(const Genesis& genesis, State& state);

}  // namespace vinet::chain
