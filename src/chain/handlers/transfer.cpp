// Transfer: move `amount` from the signer to `to`.
#include <fmt/format.h>

#include "vinet/chain/handlers.h"

namespace vinet::chain {

TxStatus HandleTransfer(State& state, const TxContext& /*ctx*/, const DecodedTx& tx,
                        const txpb::Transfer& msg, Events& events) {
  if (!IsValidAddress(msg.to())) {
    return TxStatus::Fail(TxCode::kInvalidMessage,
                          "transfer.to: expected 40 lowercase hex chars, got '" + msg.to() + "'");
  }
  if (msg.amount() == 0) return TxStatus::Fail(TxCode::kInvalidMessage, "transfer.amount: zero");
  auto from = state.GetAccount(tx.signer_address);
  if (!from.ok()) return TxStatus::Fail(TxCode::kInternal, from.status().ToString());
  if (from->balance() < msg.amount()) {
    return TxStatus::Fail(TxCode::kInsufficientFunds,
                          fmt::format("transfer.amount: {} exceeds balance {} of {}", msg.amount(),
                                      from->balance(), tx.signer_address));
  }
  from->set_balance(from->balance() - msg.amount());
  state.PutAccount(tx.signer_address, *from);
  auto to = state.GetAccount(msg.to());
  if (!to.ok()) return TxStatus::Fail(TxCode::kInternal, to.status().ToString());
  if (to->balance() > UINT64_MAX - msg.amount()) {
    return TxStatus::Fail(TxCode::kOverflow, "transfer.amount: recipient balance would overflow");
  }
  to->set_balance(to->balance() + msg.amount());
  state.PutAccount(msg.to(), *to);
  AddEvent(events, "vinet.transfer",
           {{"sender", tx.signer_address},
            {"recipient", msg.to()},
            {"amount", std::to_string(msg.amount())}});
  return {};
}

}  // namespace vinet::chain
