#include "vinet/chain/executor.h"

#include <fmt/format.h>

#include "vinet/chain/fee.h"

namespace vinet::chain {
namespace {

TxStatus Dispatch(State& state, const TxContext& ctx, const DecodedTx& tx, Events& events) {
  const auto& body = tx.body;
  switch (body.msg_case()) {
    case txpb::TxBody::kTransfer:
      return HandleTransfer(state, ctx, tx, body.transfer(), events);
    case txpb::TxBody::kRegisterNode:
      return HandleRegisterNode(state, ctx, tx, body.register_node(), events);
    case txpb::TxBody::kUnbond:
      return HandleUnbond(state, ctx, tx, body.unbond(), events);
    case txpb::TxBody::kWithdraw:
      return HandleWithdraw(state, ctx, tx, body.withdraw(), events);
    case txpb::TxBody::kRegisterEnclave:
      return HandleRegisterEnclave(state, ctx, tx, body.register_enclave(), events);
    case txpb::TxBody::kRegisterModel:
      return HandleRegisterModel(state, ctx, tx, body.register_model(), events);
    case txpb::TxBody::kSubmitClaims:
      return HandleSubmitClaims(state, ctx, tx, body.submit_claims(), events);
    case txpb::TxBody::kSubmitProofs:
      return HandleSubmitProofs(state, ctx, tx, body.submit_proofs(), events);
    case txpb::TxBody::kDeposit:
      return HandleDeposit(state, ctx, tx, body.deposit(), events);
    case txpb::TxBody::kReleaseDeposit:
      return HandleReleaseDeposit(state, ctx, tx, body.release_deposit(), events);
    case txpb::TxBody::kWithdrawDeposit:
      return HandleWithdrawDeposit(state, ctx, tx, body.withdraw_deposit(), events);
    case txpb::TxBody::kUpdateModel:
      return HandleUpdateModel(state, ctx, tx, body.update_model(), events);
    case txpb::TxBody::kCreateValidator:
      return HandleCreateValidator(state, ctx, tx, body.create_validator(), events);
    case txpb::TxBody::kBondValidator:
      return HandleBondValidator(state, ctx, tx, body.bond_validator(), events);
    case txpb::TxBody::kUnbondValidator:
      return HandleUnbondValidator(state, ctx, tx, body.unbond_validator(), events);
    case txpb::TxBody::kUnjailValidator:
      return HandleUnjailValidator(state, ctx, tx, body.unjail_validator(), events);
    case txpb::TxBody::MSG_NOT_SET:
      break;
  }
  return TxStatus::Fail(TxCode::kUnknownMessage, "tx.body.msg: unknown");
}

// Stateful checks shared by every message; on success charges the fee and
// bumps the nonce in `state`.
TxStatus ChargeSigner(State& state, const TxContext& ctx, const DecodedTx& tx, size_t tx_bytes) {
  if (tx.body.chain_id() != ctx.chain_id) {
    return TxStatus::Fail(
        TxCode::kWrongChainId,
        fmt::format("tx.body.chain_id: expected '{}', got '{}'", ctx.chain_id, tx.body.chain_id()));
  }
  if (tx.body.fee() < ctx.params.min_fee()) {
    return TxStatus::Fail(TxCode::kFeeTooLow, fmt::format("tx.body.fee: {} below min_fee {}",
                                                          tx.body.fee(), ctx.params.min_fee()));
  }
  // Priced by bytes and by claims (gas-like), so a large tx cannot ride on
  // the flat minimum.
  if (uint64_t need = MinimumFee(FeesOf(ctx.params), tx_bytes, tx.body); tx.body.fee() < need) {
    return TxStatus::Fail(
        TxCode::kFeeTooLow,
        fmt::format("tx.body.fee: {} below the required {} for {} bytes and {} claims",
                    tx.body.fee(), need, tx_bytes, ClaimsIn(tx.body)));
  }
  auto account = state.GetAccount(tx.signer_address);
  if (!account.ok()) return TxStatus::Fail(TxCode::kInternal, account.status().ToString());
  if (tx.body.nonce() != account->nonce()) {
    return TxStatus::Fail(TxCode::kBadNonce,
                          fmt::format("tx.body.nonce: expected {}, got {} for {}", account->nonce(),
                                      tx.body.nonce(), tx.signer_address));
  }
  if (account->balance() < tx.body.fee()) {
    return TxStatus::Fail(TxCode::kInsufficientFunds,
                          fmt::format("tx.body.fee: {} exceeds balance {} of {}", tx.body.fee(),
                                      account->balance(), tx.signer_address));
  }
  account->set_balance(account->balance() - tx.body.fee());
  account->set_nonce(account->nonce() + 1);
  state.PutAccount(tx.signer_address, *account);
  return {};
}

}  // namespace

ExecResult ExecuteTx(Overlay& state, ByteSpan tx_bytes, int64_t height, std::string_view chain_id,
                     ExecMode mode, int64_t block_time_ms, uint32_t tx_index,
                     uint64_t* block_verify_units,
                     std::map<std::string, uint64_t>* node_verify_units) {
  ExecResult result;
  State base(state);
  auto params = base.GetParams();
  if (!params.ok()) {
    result.status = TxStatus::Fail(TxCode::kInternal, params.status().ToString());
    return result;
  }
  if (tx_bytes.size() > params->max_tx_bytes()) {
    result.status =
        TxStatus::Fail(TxCode::kTxTooLarge, fmt::format("tx: {} bytes exceed max_tx_bytes {}",
                                                        tx_bytes.size(), params->max_tx_bytes()));
    return result;
  }
  DecodedTx tx;
  result.status = DecodeTx(tx_bytes, tx);
  if (!result.status.ok()) return result;

  TxContext ctx{height,
                chain_id,
                *params,
                block_time_ms,
                tx_index,
                mode != ExecMode::kDeliver,
                block_verify_units};
  ctx.signatures_verified = mode == ExecMode::kRecheck;
  ctx.node_verify_units = node_verify_units;
  auto charged = Overlay::Over(state);
  State charged_state(charged);
  result.status = ChargeSigner(charged_state, ctx, tx, tx_bytes.size());
  if (!result.status.ok()) return result;
  ctx.stateless_fee = MinimumFee(FeesOf(ctx.params), tx_bytes.size(), tx.body);

  auto effects = Overlay::Over(charged);
  State effects_state(effects);
  result.status = Dispatch(effects_state, ctx, tx, result.events);
  if (result.status.ok()) {
    effects.MergeInto(charged);
  } else {
    result.events.clear();
    if (mode != ExecMode::kDeliver) return result;  // rejected: mempool state untouched
    // Proofs refused only for lack of block budget: their claims' deadlines
    // move instead of the honest node being slashed for the crowding.
    if (result.status.code == TxCode::kVerifyBudgetExceeded && tx.body.has_submit_proofs()) {
      Status s =
          DeferProofDeadlines(charged_state, ctx, tx, tx.body.submit_proofs(), result.events);
      if (!s.ok()) result.status = TxStatus::Fail(TxCode::kInternal, s.ToString());
    }
  }
  charged.MergeInto(state);
  return result;
}

}  // namespace vinet::chain
