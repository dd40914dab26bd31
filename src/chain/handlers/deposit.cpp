// Deposit, ReleaseDeposit, WithdrawDeposit, and the fee draw of claims
// (deposit.h).
#include "handlers/deposit.h"

#include <fmt/format.h>

#include "vinet/chain/handlers.h"

namespace vinet::chain {

Result<uint64_t> ClientFunds(const State& state, std::string_view client, std::string_view node) {
  VINET_ASSIGN_OR_RETURN(auto account, state.GetAccount(client));
  VINET_ASSIGN_OR_RETURN(auto deposit, state.GetDeposit(client, node));
  // Both are parts of the total supply: their sum fits in uint64.
  return account.balance() + deposit.amount();
}

Status DrawFee(State& state, std::string_view client, std::string_view node, uint64_t fee) {
  VINET_ASSIGN_OR_RETURN(auto deposit, state.GetDeposit(client, node));
  uint64_t from_deposit = std::min(fee, deposit.amount());
  if (from_deposit > 0) {
    deposit.set_amount(deposit.amount() - from_deposit);
    state.PutDeposit(client, node, deposit);
  }
  if (fee > from_deposit) {
    VINET_ASSIGN_OR_RETURN(auto account, state.GetAccount(client));
    if (account.balance() < fee - from_deposit) {
      return Error(Code::kInternal, "DrawFee: client funds below the fee");
    }
    account.set_balance(account.balance() - (fee - from_deposit));
    state.PutAccount(client, account);
  }
  return Status::Ok();
}

namespace {

TxStatus CheckNodeField(std::string_view what, const std::string& node) {
  if (!IsValidAddress(node)) {
    return TxStatus::Fail(
        TxCode::kInvalidMessage,
        fmt::format("{}.node: expected 40 lowercase hex chars, got '{}'", what, node));
  }
  return {};
}

void Emit(Events& events, std::string_view action, std::string_view client, std::string_view node,
          const statepb::Deposit& d) {
  AddEvent(events, "vinet.deposit",
           {{"action", std::string(action)},
            {"client", std::string(client)},
            {"node", std::string(node)},
            {"amount", std::to_string(d.amount())},
            {"unlock_time_ms", std::to_string(d.unlock_time_ms())}});
}

}  // namespace

TxStatus HandleDeposit(State& state, const TxContext& /*ctx*/, const DecodedTx& tx,
                       const txpb::Deposit& msg, Events& events) {
  if (auto s = CheckNodeField("deposit", msg.node()); !s.ok()) return s;
  if (msg.amount() == 0) return TxStatus::Fail(TxCode::kInvalidMessage, "deposit.amount: zero");
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return TxStatus::Fail(TxCode::kInternal, account.status().ToString());
  if (account->balance() < msg.amount()) {
    return TxStatus::Fail(TxCode::kInsufficientFunds,
                          fmt::format("deposit.amount: {} exceeds balance {} of {}", msg.amount(),
                                      account->balance(), tx.signer_address));
  }
  auto deposit = state.GetDeposit(tx.signer_address, msg.node());
  if (!deposit.ok()) return TxStatus::Fail(TxCode::kInternal, deposit.status().ToString());
  account->set_balance(account->balance() - msg.amount());
  state.PutAccount(tx.signer_address, *account);
  deposit->set_amount(deposit->amount() + msg.amount());  // ≤ total supply
  deposit->set_unlock_time_ms(0);                         // a new deposit cancels a release
  state.PutDeposit(tx.signer_address, msg.node(), *deposit);
  Emit(events, "deposit", tx.signer_address, msg.node(), *deposit);
  return {};
}

TxStatus HandleReleaseDeposit(State& state, const TxContext& ctx, const DecodedTx& tx,
                              const txpb::ReleaseDeposit& msg, Events& events) {
  if (auto s = CheckNodeField("release_deposit", msg.node()); !s.ok()) return s;
  auto deposit = state.GetDeposit(tx.signer_address, msg.node());
  if (!deposit.ok()) return TxStatus::Fail(TxCode::kInternal, deposit.status().ToString());
  if (deposit->amount() == 0) {
    return TxStatus::Fail(TxCode::kInvalidMessage, "release_deposit.node: no deposit of " +
                                                       tx.signer_address + " for " + msg.node());
  }
  if (deposit->unlock_time_ms() != 0) {
    return TxStatus::Fail(
        TxCode::kInvalidMessage,
        fmt::format("release_deposit.node: already unlocking at {}", deposit->unlock_time_ms()));
  }
  deposit->set_unlock_time_ms(ctx.block_time_ms + ctx.params.escrow_unlock_delay_ms());
  state.PutDeposit(tx.signer_address, msg.node(), *deposit);
  Emit(events, "release", tx.signer_address, msg.node(), *deposit);
  return {};
}

TxStatus HandleWithdrawDeposit(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::WithdrawDeposit& msg, Events& events) {
  if (auto s = CheckNodeField("withdraw_deposit", msg.node()); !s.ok()) return s;
  auto deposit = state.GetDeposit(tx.signer_address, msg.node());
  if (!deposit.ok()) return TxStatus::Fail(TxCode::kInternal, deposit.status().ToString());
  if (deposit->unlock_time_ms() == 0 || ctx.block_time_ms < deposit->unlock_time_ms()) {
    return TxStatus::Fail(
        TxCode::kUnbondingPending,
        deposit->unlock_time_ms() == 0
            ? std::string("withdraw_deposit.node: not released (send ReleaseDeposit first)")
            : fmt::format("withdraw_deposit.node: locked until block time {} (now {})",
                          deposit->unlock_time_ms(), ctx.block_time_ms));
  }
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return TxStatus::Fail(TxCode::kInternal, account.status().ToString());
  account->set_balance(account->balance() + deposit->amount());  // ≤ total supply
  state.PutAccount(tx.signer_address, *account);
  statepb::Deposit gone;
  state.PutDeposit(tx.signer_address, msg.node(), gone);
  Emit(events, "withdraw", tx.signer_address, msg.node(), *deposit);
  return {};
}

}  // namespace vinet::chain
