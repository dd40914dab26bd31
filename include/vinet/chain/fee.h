// The fee schedule: what a tx must pay, by its bytes and the work it asks of
// every validator (docs/chain.md, "Fees").
//
//   required = min_fee + fee_per_kib × ⌊tx bytes / 1024⌋
//                      + fee_per_claim × claims (SubmitClaims: full and compact)
//                      + ⌈verify units × fee_per_million_verify_units / 10^6⌉ (SubmitProofs;
//                        RegisterModel: the weight-range proof's units, from the key alone)
//
// All parameters come from genesis (`statepb::Params`). The stateless part
// (bytes, claims) is checked by the executor before any handler runs; the
// verification part needs the models' metered costs (state) and is checked by
// SubmitProofs. Sums saturate at UINT64_MAX (such a fee can never be paid).
// Tx builders (node, CLI) call `PayMinimumFee` to raise a body's fee to what
// the signed tx will need.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vinet/chain/state.h"
#include "vinet/chain/tx.h"

namespace vinet::chain {

struct FeeSchedule {
  uint64_t min_fee = 0;
  uint64_t fee_per_kib = 0;
  uint64_t fee_per_claim = 0;
  uint64_t fee_per_million_verify_units = 0;
};

FeeSchedule FeesOf(const statepb::Params& params);

// The fee a tx of `tx_bytes` bytes carrying `body` must pay, before any
// verification part that needs state (a RegisterModel's weight-range proof is
// priced here: its units are a function of the key in the body).
uint64_t MinimumFee(const FeeSchedule& fees, size_t tx_bytes, const txpb::TxBody& body);

// The claims a body carries (SubmitClaims: claims + compact_claims; 0 otherwise).
uint64_t ClaimsIn(const txpb::TxBody& body);

// The verification part of a SubmitProofs fee for `units` metered verify units.
uint64_t VerifyFee(const FeeSchedule& fees, uint64_t units);

// Verify units of a RegisterModel's weight-range proof: zkml::EstimateWeightRangeCost
// of its key (0 without a key or if the key does not parse: the handler refuses it).
uint64_t RegisterModelVerifyUnits(const txpb::RegisterModel& msg);

// Size of the signed Tx that `body` becomes (signature and key included).
size_t SignedTxSize(const txpb::TxBody& body);

// Raises body.fee() to MinimumFee of its signed tx plus `extra` (a
// SubmitProofs' VerifyFee); never lowers it.
void PayMinimumFee(const FeeSchedule& fees, txpb::TxBody& body, uint64_t extra = 0);

}  // namespace vinet::chain
