#include "vinet/chain/result_codes.h"

namespace vinet::chain {

std::string_view TxCodeName(TxCode code) {
  switch (code) {
    case TxCode::kOk:
      return "ok";
    case TxCode::kMalformedTx:
      return "malformed_tx";
    case TxCode::kTxTooLarge:
      return "tx_too_large";
    case TxCode::kBadSignature:
      return "bad_signature";
    case TxCode::kWrongChainId:
      return "wrong_chain_id";
    case TxCode::kBadNonce:
      return "bad_nonce";
    case TxCode::kFeeTooLow:
      return "fee_too_low";
    case TxCode::kInsufficientFunds:
      return "insufficient_funds";
    case TxCode::kUnknownMessage:
      return "unknown_message";
    case TxCode::kInvalidMessage:
      return "invalid_message";
    case TxCode::kStakeTooLow:
      return "stake_too_low";
    case TxCode::kNodeExists:
      return "node_exists";
    case TxCode::kNodeNotFound:
      return "node_not_found";
    case TxCode::kNodeNotActive:
      return "node_not_active";
    case TxCode::kUnbondingPending:
      return "unbonding_pending";
    case TxCode::kOverflow:
      return "overflow";
    case TxCode::kModelExists:
      return "model_exists";
    case TxCode::kModelNotFound:
      return "model_not_found";
    case TxCode::kAttestationInvalid:
      return "attestation_invalid";
    case TxCode::kPcrNotAllowed:
      return "pcr_not_allowed";
    case TxCode::kNodeJailed:
      return "node_jailed";
    case TxCode::kVerifyBudgetExceeded:
      return "verify_budget_exceeded";
    case TxCode::kVerifyCostTooHigh:
      return "verify_cost_too_high";
    case TxCode::kClaimNotFound:
      return "claim_not_found";
    case TxCode::kClaimNotPending:
      return "claim_not_pending";
    case TxCode::kClaimNotOwned:
      return "claim_not_owned";
    case TxCode::kProofMalformed:
      return "proof_malformed";
    case TxCode::kNotModelOwner:
      return "not_model_owner";
    case TxCode::kModelRetired:
      return "model_retired";
    case TxCode::kValidatorExists:
      return "validator_exists";
    case TxCode::kValidatorNotFound:
      return "validator_not_found";
    case TxCode::kConsensusKeyInUse:
      return "consensus_key_in_use";
    case TxCode::kSelfBondTooLow:
      return "self_bond_too_low";
    case TxCode::kTooManyUnbondings:
      return "too_many_unbondings";
    case TxCode::kValidatorRecordsFull:
      return "validator_records_full";
    case TxCode::kStillJailed:
      return "still_jailed";
    case TxCode::kNotJailed:
      return "not_jailed";
    case TxCode::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace vinet::chain
