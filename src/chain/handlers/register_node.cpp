// RegisterNode: lock `stake` >= min_stake from the signer's balance and
// record the node as ACTIVE with its endpoint.
#include <fmt/format.h>

#include "vinet/chain/handlers.h"

namespace vinet::chain {

TxStatus HandleRegisterNode(State& state, const TxContext& ctx, const DecodedTx& tx,
                            const txpb::RegisterNode& msg, Events& events) {
  if (msg.endpoint().empty() || msg.endpoint().size() > 256) {
    return TxStatus::Fail(
        TxCode::kInvalidMessage,
        fmt::format("register_node.endpoint: length {} not in 1..256", msg.endpoint().size()));
  }
  if (msg.stake() < ctx.params.min_stake()) {
    return TxStatus::Fail(TxCode::kStakeTooLow,
                          fmt::format("register_node.stake: {} below min_stake {}", msg.stake(),
                                      ctx.params.min_stake()));
  }
  auto existing = state.GetNode(tx.signer_address);
  if (!existing.ok()) return TxStatus::Fail(TxCode::kInternal, existing.status().ToString());
  if (existing->has_value()) {
    return TxStatus::Fail(TxCode::kNodeExists,
                          "register_node: node " + tx.signer_address + " is already registered");
  }
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return TxStatus::Fail(TxCode::kInternal, account.status().ToString());
  if (account->balance() < msg.stake()) {
    return TxStatus::Fail(
        TxCode::kInsufficientFunds,
        fmt::format("register_node.stake: {} exceeds balance {}", msg.stake(), account->balance()));
  }
  account->set_balance(account->balance() - msg.stake());
  state.PutAccount(tx.signer_address, *account);
  statepb::Node node;
  node.set_public_key(std::string(tx.signer.begin(), tx.signer.end()));
  node.set_stake(msg.stake());
  node.set_endpoint(msg.endpoint());
  node.set_status(statepb::NODE_STATUS_ACTIVE);
  node.set_registered_height(ctx.height);
  state.PutNode(tx.signer_address, node);
  AddEvent(events, "vinet.node",
           {{"address", tx.signer_address},
            {"action", "register"},
            {"stake", std::to_string(msg.stake())}});
  return {};
}

}  // namespace vinet::chain
