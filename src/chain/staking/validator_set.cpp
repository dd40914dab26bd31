// The validator set: top max_validators by power, diffed against "s/active"
// (staking.h).
#include <algorithm>
#include <map>

#include "vinet/chain/staking.h"

namespace vinet::chain {

Result<std::vector<::tendermint::abci::ValidatorUpdate>> UpdateValidatorSet(
    State& state, const statepb::Params& params) {
  VINET_ASSIGN_OR_RETURN(auto candidates, state.GetCandidates());
  std::vector<statepb::ActiveValidator> eligible;
  for (const auto& op : candidates.operators()) {
    VINET_ASSIGN_OR_RETURN(auto v, state.GetValidator(op));
    if (!v) return Error(Code::kInternal, "staking: candidate " + op + " has no record");
    const int64_t power = PowerOf(v->bond(), params);
    if (v->jailed() || v->bond() < params.min_self_bond() || power <= 0) continue;
    statepb::ActiveValidator a;
    a.set_consensus_pubkey(v->consensus_pubkey());
    a.set_power(power);
    a.set_operator_(op);
    eligible.push_back(std::move(a));
  }
  std::sort(eligible.begin(), eligible.end(), [](const auto& x, const auto& y) {
    if (x.power() != y.power()) return x.power() > y.power();
    return x.consensus_pubkey() < y.consensus_pubkey();
  });
  if (eligible.size() > params.max_validators()) eligible.resize(params.max_validators());
  std::vector<::tendermint::abci::ValidatorUpdate> updates;
  if (eligible.empty()) return updates;  // CometBFT needs a validator: keep the set

  std::map<std::string, statepb::ActiveValidator> next;  // by consensus key
  for (auto& a : eligible) next.emplace(a.consensus_pubkey(), std::move(a));
  VINET_ASSIGN_OR_RETURN(auto active, state.GetActiveSet());
  std::map<std::string, int64_t> previous;
  for (const auto& a : active.validators()) previous.emplace(a.consensus_pubkey(), a.power());

  // Diffs in consensus key order: removals and changes merged.
  std::map<std::string, int64_t> diff;
  for (const auto& [key, power] : previous) {
    if (!next.count(key)) diff[key] = 0;
  }
  for (const auto& [key, a] : next) {
    auto it = previous.find(key);
    if (it == previous.end() || it->second != a.power()) diff[key] = a.power();
  }
  for (const auto& [key, power] : diff) {
    auto& u = updates.emplace_back();
    u.mutable_pub_key()->set_ed25519(key);
    u.set_power(power);
  }
  if (!diff.empty()) {
    statepb::ValidatorSet stored;
    for (auto& [key, a] : next) *stored.add_validators() = std::move(a);
    state.PutActiveSet(stored);
  }
  return updates;
}

}  // namespace vinet::chain
