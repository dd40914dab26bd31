// Unbonding entries: the maturity queue and their completion (staking.h).
#include <algorithm>

#include "vinet/chain/staking.h"

namespace vinet::chain {

Status QueueUnbonding(State& state, std::string_view operator_address, int64_t complete_height) {
  VINET_ASSIGN_OR_RETURN(auto queue, state.GetUnbondingQueue(complete_height));
  auto* ops = queue.mutable_operators();
  if (std::find(ops->begin(), ops->end(), operator_address) != ops->end()) return Status::Ok();
  ops->Add(std::string(operator_address));
  state.PutUnbondingQueue(complete_height, queue);
  return Status::Ok();
}

Status CompleteUnbondings(State& state, int64_t height, Events& events) {
  VINET_ASSIGN_OR_RETURN(auto queue, state.GetUnbondingQueue(height));
  if (queue.operators().empty()) return Status::Ok();
  for (const auto& op : queue.operators()) {
    VINET_ASSIGN_OR_RETURN(auto v, state.GetValidator(op));
    if (!v) return Error(Code::kInternal, "staking: queued unbonding of unknown validator " + op);
    uint64_t released = 0;
    statepb::Validator kept = *v;
    kept.clear_unbonding();
    for (const auto& e : v->unbonding()) {
      if (e.complete_height() <= height) {
        released += e.amount();  // sum <= supply: no overflow
      } else {
        *kept.add_unbonding() = e;
      }
    }
    if (released == 0) continue;
    VINET_ASSIGN_OR_RETURN(auto account, state.GetAccount(op));
    if (account.balance() > UINT64_MAX - released) {
      return Error(Code::kInternal, "staking: balance of " + op + " would overflow");
    }
    account.set_balance(account.balance() + released);
    state.PutAccount(op, account);
    state.PutValidator(kept);
    AddEvent(
        events, "vinet.validator",
        {{"operator", op}, {"action", "unbond_complete"}, {"amount", std::to_string(released)}});
  }
  state.PutUnbondingQueue(height, statepb::ValidatorIndex());
  return Status::Ok();
}

}  // namespace vinet::chain
