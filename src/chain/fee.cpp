#include "vinet/chain/fee.h"

#include <limits>

#include "vinet/zkml/weight_range.h"

namespace vinet::chain {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

uint64_t Add(uint64_t a, uint64_t b) {
  return a > kMax - b ? kMax : a + b;
}

uint64_t Mul(uint64_t a, uint64_t b) {
  return (b != 0 && a > kMax / b) ? kMax : a * b;
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

FeeSchedule FeesOf(const statepb::Params& p) {
  return {p.min_fee(), p.fee_per_kib(), p.fee_per_claim(), p.fee_per_million_verify_units()};
}

uint64_t ClaimsIn(const txpb::TxBody& body) {
  if (!body.has_submit_claims()) return 0;
  const auto& m = body.submit_claims();
  return static_cast<uint64_t>(m.claims_size()) + static_cast<uint64_t>(m.compact_claims_size());
}

uint64_t MinimumFee(const FeeSchedule& fees, size_t tx_bytes, const txpb::TxBody& body) {
  uint64_t fee = fees.min_fee;
  fee = Add(fee, Mul(fees.fee_per_kib, tx_bytes / 1024));
  if (body.has_submit_claims()) fee = Add(fee, Mul(fees.fee_per_claim, ClaimsIn(body)));
  if (body.has_register_model()) {
    fee = Add(fee, VerifyFee(fees, RegisterModelVerifyUnits(body.register_model())));
  }
  return fee;
}

uint64_t RegisterModelVerifyUnits(const txpb::RegisterModel& msg) {
  if (msg.zkml_verifying_key().empty()) return 0;
  auto vk = zkml::VerifyingKey::Parse(AsBytes(msg.zkml_verifying_key()),
                                      zkml::KeyPolicy::kAllowBelowFloor);
  return vk.ok() ? zkml::EstimateWeightRangeCost(*vk).units() : 0;
}

uint64_t VerifyFee(const FeeSchedule& fees, uint64_t units) {
  // ⌈units × rate / 10^6⌉ without overflowing the product.
  const uint64_t rate = fees.fee_per_million_verify_units;
  uint64_t whole = Mul(units / 1'000'000, rate);
  uint64_t rest = Mul(units % 1'000'000, rate);
  return Add(whole, rest / 1'000'000 + (rest % 1'000'000 != 0 ? 1 : 0));
}

size_t SignedTxSize(const txpb::TxBody& body) {
  size_t b = body.ByteSizeLong();
  // Tx{1: body, 2: signer_pubkey (32), 3: signature (64)}
  return 1 + VarintSize(b) + b + (1 + 1 + 32) + (1 + 1 + 64);
}

void PayMinimumFee(const FeeSchedule& fees, txpb::TxBody& body, uint64_t extra) {
  // The fee's own varint can grow the tx past a KiB boundary: iterate until
  // the fee covers the tx it is part of (at most a few rounds).
  for (int i = 0; i < 8; ++i) {
    uint64_t need = Add(MinimumFee(fees, SignedTxSize(body), body), extra);
    if (body.fee() >= need) return;
    body.set_fee(need);
  }
}

}  // namespace vinet::chain
