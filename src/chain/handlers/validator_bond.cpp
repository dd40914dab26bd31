// BondValidator / UnbondValidator: the operator adds to its validator's bond
// or starts unbonding part of it (docs/chain.md "Validators").
#include <fmt/format.h>

#include "vinet/chain/handlers.h"
#include "vinet/chain/staking.h"

namespace vinet::chain {
namespace {

TxStatus Internal(const Status& s) {
  return TxStatus::Fail(TxCode::kInternal, s.ToString());
}

Result<statepb::Validator> OperatedBy(State& state, std::string_view what,
                                      const std::string& signer, TxStatus& fail) {
  auto v = state.GetValidator(signer);
  if (!v.ok()) {
    fail = Internal(v.status());
    return v.status();
  }
  if (!v->has_value()) {
    fail = TxStatus::Fail(TxCode::kValidatorNotFound,
                          fmt::format("{}: {} operates no validator", what, signer));
    return Error(Code::kNotFound, fail.log);
  }
  return std::move(**v);
}

}  // namespace

TxStatus HandleBondValidator(State& state, const TxContext& /*ctx*/, const DecodedTx& tx,
                             const txpb::BondValidator& msg, Events& events) {
  if (msg.amount() == 0) {
    return TxStatus::Fail(TxCode::kInvalidMessage, "bond_validator.amount: must be positive");
  }
  TxStatus fail;
  auto v = OperatedBy(state, "bond_validator", tx.signer_address, fail);
  if (!v.ok()) return fail;
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return Internal(account.status());
  if (account->balance() < msg.amount()) {
    return TxStatus::Fail(TxCode::kInsufficientFunds,
                          fmt::format("bond_validator.amount: {} exceeds balance {}", msg.amount(),
                                      account->balance()));
  }
  account->set_balance(account->balance() - msg.amount());
  state.PutAccount(tx.signer_address, *account);
  v->set_bond(v->bond() + msg.amount());  // <= supply: no overflow
  state.PutValidator(*v);
  AddEvent(events, "vinet.validator",
           {{"operator", tx.signer_address},
            {"action", "bond"},
            {"amount", std::to_string(msg.amount())}});
  return {};
}

TxStatus HandleUnbondValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::UnbondValidator& msg, Events& events) {
  if (msg.amount() == 0) {
    return TxStatus::Fail(TxCode::kInvalidMessage, "unbond_validator.amount: must be positive");
  }
  TxStatus fail;
  auto v = OperatedBy(state, "unbond_validator", tx.signer_address, fail);
  if (!v.ok()) return fail;
  if (msg.amount() > v->bond()) {
    return TxStatus::Fail(
        TxCode::kInsufficientFunds,
        fmt::format("unbond_validator.amount: {} exceeds the bond {}", msg.amount(), v->bond()));
  }
  const uint64_t rest = v->bond() - msg.amount();
  if (rest != 0 && rest < ctx.params.min_self_bond()) {
    return TxStatus::Fail(TxCode::kSelfBondTooLow,
                          fmt::format("unbond_validator.amount: would leave {} bonded, below "
                                      "min_self_bond {} (unbond all or less)",
                                      rest, ctx.params.min_self_bond()));
  }
  if (v->unbonding_size() >= kMaxUnbondingEntries) {
    return TxStatus::Fail(
        TxCode::kTooManyUnbondings,
        fmt::format("unbond_validator: {} unbondings already pending", v->unbonding_size()));
  }
  const int64_t complete = ctx.height + ctx.params.unbonding_blocks();
  v->set_bond(rest);
  auto* e = v->add_unbonding();
  e->set_amount(msg.amount());
  e->set_creation_height(ctx.height);
  e->set_complete_height(complete);
  state.PutValidator(*v);
  if (auto s = QueueUnbonding(state, tx.signer_address, complete); !s.ok()) return Internal(s);
  AddEvent(events, "vinet.validator",
           {{"operator", tx.signer_address},
            {"action", "unbond"},
            {"amount", std::to_string(msg.amount())},
            {"complete_height", std::to_string(complete)}});
  return {};
}

TxStatus HandleUnjailValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::UnjailValidator& /*msg*/, Events& events) {
  TxStatus fail;
  auto v = OperatedBy(state, "unjail_validator", tx.signer_address, fail);
  if (!v.ok()) return fail;
  if (!v->jailed()) {
    return TxStatus::Fail(TxCode::kNotJailed,
                          "unjail_validator: validator " + tx.signer_address + " is not jailed");
  }
  if (ctx.height < v->jailed_until_height()) {
    return TxStatus::Fail(TxCode::kStillJailed,
                          fmt::format("unjail_validator: jailed until height {}, now {}",
                                      v->jailed_until_height(), ctx.height));
  }
  if (v->bond() < ctx.params.min_self_bond()) {
    return TxStatus::Fail(TxCode::kSelfBondTooLow,
                          fmt::format("unjail_validator: bond {} below min_self_bond {}", v->bond(),
                                      ctx.params.min_self_bond()));
  }
  v->set_jailed(false);
  state.PutValidator(*v);
  AddEvent(events, "vinet.validator", {{"operator", tx.signer_address}, {"action", "unjail"}});
  return {};
}

}  // namespace vinet::chain
