// Withdraw: after unbonding completed, return the stake to the operator's
// balance and remove the node record. Refused while ZKML claims of the node
// are PENDING (its stake still backs them: slashing on expiry or a bad proof).
#include <fmt/format.h>

#include "vinet/chain/handlers.h"

namespace vinet::chain {

TxStatus HandleWithdraw(State& state, const TxContext& ctx, const DecodedTx& tx,
                        const txpb::Withdraw& /*msg*/, Events& events) {
  auto node = state.GetNode(tx.signer_address);
  if (!node.ok()) return TxStatus::Fail(TxCode::kInternal, node.status().ToString());
  if (!node->has_value()) {
    return TxStatus::Fail(TxCode::kNodeNotFound,
                          "withdraw: no node registered by " + tx.signer_address);
  }
  const statepb::Node& n = **node;
  if (n.status() != statepb::NODE_STATUS_UNBONDING) {
    return TxStatus::Fail(TxCode::kUnbondingPending, "withdraw: node is not unbonding");
  }
  if (ctx.height < n.unbond_complete_height()) {
    return TxStatus::Fail(TxCode::kUnbondingPending,
                          fmt::format("withdraw: unbonding completes at height {}, now {}",
                                      n.unbond_complete_height(), ctx.height));
  }
  auto risk = state.GetRisk(tx.signer_address);
  if (!risk.ok()) return TxStatus::Fail(TxCode::kInternal, risk.status().ToString());
  if (risk->unsettled_value() > 0) {
    return TxStatus::Fail(
        TxCode::kUnbondingPending,
        fmt::format("withdraw: {} of ZKML fees still PENDING", risk->unsettled_value()));
  }
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return TxStatus::Fail(TxCode::kInternal, account.status().ToString());
  if (account->balance() > UINT64_MAX - n.stake()) {
    return TxStatus::Fail(TxCode::kOverflow, "withdraw: balance would overflow");
  }
  account->set_balance(account->balance() + n.stake());
  state.PutAccount(tx.signer_address, *account);
  state.DeleteNode(tx.signer_address);
  AddEvent(events, "vinet.node",
           {{"address", tx.signer_address},
            {"action", "withdraw"},
            {"stake", std::to_string(n.stake())}});
  return {};
}

}  // namespace vinet::chain
