// CreateValidator: the signer becomes the operator of a consensus validator,
// bonding `self_bond` from its balance (docs/chain.md "Validators").
#include <fmt/format.h>

#include "vinet/chain/handlers.h"
#include "vinet/chain/staking.h"

namespace vinet::chain {

TxStatus HandleCreateValidator(State& state, const TxContext& ctx, const DecodedTx& tx,
                               const txpb::CreateValidator& msg, Events& events) {
  const auto fail_internal = [](const Status& s) {
    return TxStatus::Fail(TxCode::kInternal, s.ToString());
  };
  if (msg.consensus_pubkey().size() != 32) {
    return TxStatus::Fail(TxCode::kInvalidMessage,
                          fmt::format("create_validator.consensus_pubkey: {} bytes, expected 32",
                                      msg.consensus_pubkey().size()));
  }
  if (msg.commission_bps() > 10000) {
    return TxStatus::Fail(
        TxCode::kInvalidMessage,
        fmt::format("create_validator.commission_bps: {} above 10000", msg.commission_bps()));
  }
  if (msg.self_bond() < ctx.params.min_self_bond()) {
    return TxStatus::Fail(TxCode::kSelfBondTooLow,
                          fmt::format("create_validator.self_bond: {} below min_self_bond {}",
                                      msg.self_bond(), ctx.params.min_self_bond()));
  }
  auto existing = state.GetValidator(tx.signer_address);
  if (!existing.ok()) return fail_internal(existing.status());
  if (existing->has_value()) {
    return TxStatus::Fail(TxCode::kValidatorExists, "create_validator: " + tx.signer_address +
                                                        " already operates a validator");
  }
  const std::string address = ConsensusAddress(msg.consensus_pubkey());
  auto holder = state.GetValidatorOperator(address);
  if (!holder.ok()) return fail_internal(holder.status());
  if (!holder->empty()) {
    return TxStatus::Fail(TxCode::kConsensusKeyInUse,
                          "create_validator.consensus_pubkey: address " + address +
                              " is validator " + *holder + "'s");
  }
  auto candidates = state.GetCandidates();
  if (!candidates.ok()) return fail_internal(candidates.status());
  if (static_cast<uint64_t>(candidates->operators_size()) >= ctx.params.max_validator_records()) {
    return TxStatus::Fail(TxCode::kValidatorRecordsFull,
                          fmt::format("create_validator: {} validator records, the maximum",
                                      candidates->operators_size()));
  }
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return fail_internal(account.status());
  if (account->balance() < msg.self_bond()) {
    return TxStatus::Fail(TxCode::kInsufficientFunds,
                          fmt::format("create_validator.self_bond: {} exceeds balance {}",
                                      msg.self_bond(), account->balance()));
  }
  account->set_balance(account->balance() - msg.self_bond());
  state.PutAccount(tx.signer_address, *account);
  statepb::Validator v;
  v.set_operator_(tx.signer_address);
  v.set_consensus_pubkey(msg.consensus_pubkey());
  v.set_consensus_address(address);
  v.set_bond(msg.self_bond());
  v.set_commission_bps(msg.commission_bps());
  v.set_created_height(ctx.height);
  if (auto s = AddValidator(state, v); !s.ok()) return fail_internal(s);
  AddEvent(events, "vinet.validator",
           {{"operator", tx.signer_address},
            {"action", "create"},
            {"consensus_address", address},
            {"amount", std::to_string(msg.self_bond())}});
  return {};
}

}  // namespace vinet::chain
