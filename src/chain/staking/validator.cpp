// Validator records: consensus address, power, creation (staking.h).
#include <algorithm>

#include "vinet/chain/staking.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"

namespace vinet::chain {

std::string ConsensusAddress(std::string_view pubkey) {
  auto digest = crypto::Sha256(AsBytes(pubkey));
  return ToHex(ByteSpan(digest.data(), 20));
}

int64_t PowerOf(uint64_t bond, const statepb::Params& params) {
  const uint64_t reduction = std::max<uint64_t>(params.power_reduction(), kMinPowerReduction);
  return static_cast<int64_t>(bond / reduction);  // < 2^60
}

Status AddValidator(State& state, const statepb::Validator& validator) {
  VINET_ASSIGN_OR_RETURN(auto index, state.GetCandidates());
  auto* ops = index.mutable_operators();
  auto at = std::lower_bound(ops->begin(), ops->end(), validator.operator_());
  if (at != ops->end() && *at == validator.operator_()) {
    return Error(Code::kInternal, "staking: validator " + validator.operator_() + " exists");
  }
  ops->Add(std::string(validator.operator_()));
  std::sort(ops->begin(), ops->end());
  state.PutCandidates(index);
  state.PutValidator(validator);
  state.PutValidatorOperator(validator.consensus_address(), validator.operator_());
  return Status::Ok();
}

}  // namespace vinet::chain
