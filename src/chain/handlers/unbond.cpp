// Unbond: an ACTIVE, unjailed node starts unbonding its whole stake; it can
// withdraw once `unbonding_blocks` blocks have passed. A jailed node cannot
// unbond: jailing is a tombstone (stake locked, address never re-registers).
#include "vinet/chain/handlers.h"

namespace vinet::chain {

TxStatus HandleUnbond(State& state, const TxContext& ctx, const DecodedTx& tx,
                      const txpb::Unbond& /*msg*/, Events& events) {
  auto node = state.GetNode(tx.signer_address);
  if (!node.ok()) return TxStatus::Fail(TxCode::kInternal, node.status().ToString());
  if (!node->has_value()) {
    return TxStatus::Fail(TxCode::kNodeNotFound,
                          "unbond: no node registered by " + tx.signer_address);
  }
  statepb::Node& n = **node;
  if (n.jailed()) {
    return TxStatus::Fail(TxCode::kNodeJailed, "unbond: node " + tx.signer_address + " is jailed");
  }
  if (n.status() != statepb::NODE_STATUS_ACTIVE) {
    return TxStatus::Fail(TxCode::kNodeNotActive,
                          "unbond: node " + tx.signer_address + " is not active");
  }
  n.set_status(statepb::NODE_STATUS_UNBONDING);
  n.set_unbond_complete_height(ctx.height + ctx.params.unbonding_blocks());
  state.PutNode(tx.signer_address, n);
  AddEvent(events, "vinet.node",
           {{"address", tx.signer_address},
            {"action", "unbond"},
            {"stake", std::to_string(n.stake())},
            {"complete_height", std::to_string(n.unbond_complete_height())}});
  return {};
}

}  // namespace vinet::chain
