// Withdraw: after unbonding completed, return the stake to the operator's
// balance and remove the node record with its enclave registrations.
// Refused while any ZKML claim of the node is PENDING, fee 0 included (its
// stake still backs them: slashing on expiry or a bad proof), and for a
// jailed node (jailing is permanent: its stake stays locked).
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
  if (n.jailed()) {
    return TxStatus::Fail(TxCode::kNodeJailed,
                          "withdraw: node " + tx.signer_address + " is jailed");
  }
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
  if (risk->unsettled_value() > 0 || risk->pending_claims() > 0) {
    return TxStatus::Fail(TxCode::kUnbondingPending,
                          fmt::format("withdraw: {} ZKML claim(s) worth {} still PENDING",
                                      risk->pending_claims(), risk->unsettled_value()));
  }
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return TxStatus::Fail(TxCode::kInternal, account.status().ToString());
  if (account->balance() > UINT64_MAX - n.stake()) {
    return TxStatus::Fail(TxCode::kOverflow, "withdraw: balance would overflow");
  }
  account->set_balance(account->balance() + n.stake());
  state.PutAccount(tx.signer_address, *account);
  for (const auto& key : n.enclave_keys()) {
    std::string key_hex = ToHex(AsBytes(key));
    auto enclave = state.GetEnclave(key_hex);
    if (!enclave.ok()) return TxStatus::Fail(TxCode::kInternal, enclave.status().ToString());
    if (enclave->has_value() && (*enclave)->node() == n.public_key()) state.DeleteEnclave(key_hex);
  }
  state.DeleteNode(tx.signer_address);
  AddEvent(events, "vinet.node",
           {{"address", tx.signer_address},
            {"action", "withdraw"},
            {"stake", std::to_string(n.stake())}});
  return {};
}

}  // namespace vinet::chain
