// Stable ABCI result codes of vinet transactions (CheckTx and FinalizeBlock).
//
// The numbers are part of the protocol: they enter the block results hash
// and clients match on them. Never renumber; only append. The table with
// meanings is in docs/chain.md. Code 0 is success; every other code rejects
// the tx (CheckTx) or marks it failed (FinalizeBlock).
#pragma once

#include <cstdint>
#include <string_view>

namespace vinet::chain {

enum class TxCode : uint32_t {
  kOk = 0,
  kMalformedTx = 1,          // bytes are not a Tx/TxBody protobuf, or fields have wrong sizes
  kTxTooLarge = 2,           // tx bytes exceed params.max_tx_bytes
  kBadSignature = 3,         // Ed25519 signature does not verify
  kWrongChainId = 4,         // body.chain_id differs from the chain's
  kBadNonce = 5,             // body.nonce differs from the account's nonce
  kFeeTooLow = 6,            // body.fee < params.min_fee
  kInsufficientFunds = 7,    // balance cannot pay fee + amount/stake
  kUnknownMessage = 8,       // body carries no message this version knows
  kInvalidMessage = 9,       // a message field is out of its contract
  kStakeTooLow = 10,         // RegisterNode.stake < params.min_stake
  kNodeExists = 11,          // RegisterNode for an already registered node
  kNodeNotFound = 12,        // Unbond/Withdraw/query of an unknown node
  kNodeNotActive = 13,       // Unbond of a node that is not ACTIVE
  kUnbondingPending = 14,    // Withdraw before unbonding completed (or not unbonding)
  kOverflow = 15,            // an amount would overflow uint64
  kModelExists = 16,         // RegisterModel for an id already registered
  kModelNotFound = 17,       // RegisterEnclave names an unknown model
  kAttestationInvalid = 18,  // document fails verification, nonce binding or debug rule
  kPcrNotAllowed = 19,       // enclave PCR0 not in a served model's allowlist
  kNodeJailed = 20,          // the signer node is jailed
  // ZKML (docs/chain.md, "ZKML settlement"):
  kVerifyBudgetExceeded = 21,  // SubmitProofs: the block's verify units are used up; retry
  kVerifyCostTooHigh = 22,     // a key's verify cost (or a tx's) exceeds max_block_verify_units
  kClaimNotFound = 23,         // CheckTx: a proof names an unknown claim
  kClaimNotPending = 24,       // CheckTx: a proof's claim is not PENDING or past its deadline
  kClaimNotOwned = 25,         // CheckTx: a proof's claim belongs to another node
  kProofMalformed = 26,        // CheckTx: proof or inputs malformed, or inputs ≠ input_hash
  kNotModelOwner = 27,         // UpdateModel signed by someone other than the model's owner
  kModelRetired = 28,          // UpdateModel of a retired model
  // Validators by stake (docs/chain.md "Validators"):
  kValidatorExists = 29,       // CreateValidator: the signer already operates a validator
  kValidatorNotFound = 30,     // Bond/Unbond/UnjailValidator: the signer operates none
  kConsensusKeyInUse = 31,     // CreateValidator: the consensus key belongs to a validator
  kSelfBondTooLow = 32,        // self-bond (or what stays bonded) below min_self_bond
  kTooManyUnbondings = 33,     // UnbondValidator: kMaxUnbondingEntries already unbonding
  kValidatorRecordsFull = 34,  // CreateValidator: max_validator_records reached
  kStillJailed = 35,           // UnjailValidator before jailed_until_height
  kNotJailed = 36,             // UnjailValidator of a validator that is not jailed
  kInternal = 100,             // store failure or broken invariant (a bug)
};

// Short snake_case name, e.g. "bad_nonce"; used in logs and docs.
std::string_view TxCodeName(TxCode code);

// Query result codes (ResponseQuery.code).
enum class QueryCode : uint32_t {
  kOk = 0,
  kUnknownPath = 1,
  kBadAddress = 2,
  kNotFound = 3,
  kBadId = 4,         // malformed model id, enclave key or inference id
  kFutureHeight = 5,  // `height` is past the last committed block
  kPrunedHeight = 6,  // `height` is older than the versions this validator keeps
  kInternal = 100,
};

}  // namespace vinet::chain
