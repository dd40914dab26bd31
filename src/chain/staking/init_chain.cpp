// InitChain: CometBFT's evidence age and genesis validators (genesis.h).
#include <fmt/format.h>

#include "vinet/chain/genesis.h"
#include "vinet/chain/staking.h"

namespace vinet::chain {

Status AdoptConsensusGenesis(const ::tendermint::abci::RequestInitChain& req, Genesis& genesis) {
  auto& params = genesis.params;
  if (req.has_consensus_params() && req.consensus_params().has_evidence()) {
    const int64_t age = req.consensus_params().evidence().max_age_num_blocks();
    if (age <= 0 || age > params.unbonding_blocks()) {
      return Error(Code::kInvalidArgument,
                   fmt::format("genesis consensus_params.evidence.max_age_num_blocks: {} not in "
                               "1..unbonding_blocks {} (evidence must not outlive the stake it "
                               "would slash)",
                               age, params.unbonding_blocks()));
    }
    params.set_evidence_max_age_blocks(age);
  }
  if (!genesis.validators.empty()) return Status::Ok();
  const uint64_t reduction = std::max<uint64_t>(params.power_reduction(), kMinPowerReduction);
  for (int i = 0; i < req.validators_size(); ++i) {
    const auto& u = req.validators(i);
    const std::string field = fmt::format("genesis validators[{}]", i);
    if (u.pub_key().sum_case() != ::tendermint::crypto::PublicKey::kEd25519 ||
        u.pub_key().ed25519().size() != 32) {
      return Error(Code::kInvalidArgument, field + ".pub_key: expected an Ed25519 key");
    }
    if (u.power() <= 0 || static_cast<uint64_t>(u.power()) > UINT64_MAX / reduction) {
      return Error(Code::kInvalidArgument,
                   fmt::format("{}.power: {} × power_reduction out of range", field, u.power()));
    }
    GenesisValidator v;
    v.consensus_pubkey = u.pub_key().ed25519();
    v.operator_address = ConsensusAddress(v.consensus_pubkey);
    v.bond = static_cast<uint64_t>(u.power()) * reduction;
    for (const auto& other : genesis.validators) {
      if (other.operator_address == v.operator_address) {
        return Error(Code::kInvalidArgument, field + ".pub_key: duplicate");
      }
    }
    genesis.validators.push_back(std::move(v));
  }
  return Status::Ok();
}

}  // namespace vinet::chain
