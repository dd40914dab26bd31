// Jailing is final: a jailed node can neither unbond, withdraw nor register
// again; Withdraw removes the node's enclave records; a node below
// min_stake can submit nothing (finding 5 of issue 12).
#include "unit/chain/inference_fixture.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::InferenceFixture;

class JailTest : public InferenceFixture {
 protected:
  txpb::TxBody Unbond() {
    txpb::TxBody b;
    b.mutable_unbond();
    return b;
  }
  txpb::TxBody Withdraw() {
    txpb::TxBody b;
    b.mutable_withdraw();
    return b;
  }
  // A forged TEE claim: REJECTED, slashed, jailed.
  void GetJailed(int64_t height) {
    auto req = Request(Mode::kTee, 99);
    auto receipt = ReceiptFor(req, &enclave_);
    receipt.output_hash[0] ^= 1;
    auto r = Run(node_, ClaimsBody({ClaimOf(req, receipt)}), height);
    ASSERT_TRUE(r.status.ok()) << r.status.log;
    ASSERT_TRUE(NodeRecord().jailed());
  }
  std::optional<statepb::Enclave> EnclaveRecord() {
    State s(state_);
    return s.GetEnclave(ToHex(enclave_.public_key())).value();
  }
};

TEST_F(JailTest, JailedNodeCannotUnbondWithdrawOrRegisterAgain) {
  SetUpTee();
  GetJailed(6);
  uint64_t stake = NodeRecord().stake();
  auto u = Run(node_, Unbond(), 7);
  EXPECT_EQ(u.status.code, TxCode::kNodeJailed) << u.status.log;
  auto w = Run(node_, Withdraw(), 7 + params_.unbonding_blocks());
  EXPECT_EQ(w.status.code, TxCode::kNodeJailed) << w.status.log;
  auto again = RegisterNode();
  EXPECT_EQ(again.status.code, TxCode::kNodeExists);
  EXPECT_TRUE(NodeRecord().jailed());
  EXPECT_EQ(NodeRecord().stake(), stake);  // still locked, still slashable
}

TEST_F(JailTest, NodeJailedWhileUnbondingCannotWithdraw) {
  SetUpTee();
  ASSERT_TRUE(Run(node_, Unbond(), 6).status.ok());
  GetJailed(7);  // an UNBONDING node may still submit claims, and be jailed for them
  auto w = Run(node_, Withdraw(), 6 + params_.unbonding_blocks());
  EXPECT_EQ(w.status.code, TxCode::kNodeJailed) << w.status.log;
  EXPECT_TRUE(NodeRecord().jailed());
}

TEST_F(JailTest, WithdrawRemovesTheNodesEnclaves) {
  SetUpTee();
  ASSERT_TRUE(EnclaveRecord().has_value());
  EXPECT_EQ(NodeRecord().enclave_keys_size(), 1);
  // Re-registering the same key is a refresh: not listed twice.
  auto re = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 5), 5), 6);
  ASSERT_TRUE(re.status.ok()) << re.status.log;
  EXPECT_EQ(NodeRecord().enclave_keys_size(), 1);
  ASSERT_TRUE(Run(node_, Unbond(), 6).status.ok());
  ASSERT_TRUE(Run(node_, Withdraw(), 6 + params_.unbonding_blocks()).status.ok());
  EXPECT_FALSE(EnclaveRecord().has_value());
  // Registered again, the node starts without enclaves: old receipts fail.
  ASSERT_TRUE(RegisterNode().status.ok());
  auto req = Request(Mode::kTee, 1);
  auto r = Run(node_, ClaimsBody({ClaimOf(req, ReceiptFor(req, &enclave_))}), 20);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  auto rec = ClaimRecord(req);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status(), statepb::CLAIM_STATUS_REJECTED);
  EXPECT_EQ(rec->reason(), "enclave " + ToHex(enclave_.public_key()) + " is not registered");
}

TEST_F(JailTest, NodeBelowMinStakeCannotSubmitOrAttest) {
  SetUpTee();
  params_.set_min_stake(20'000);  // the node's 10,000 no longer backs anything
  SetParams(params_);
  auto req = Request(Mode::kVanilla, 1);
  auto r = Run(node_, ClaimsBody({ClaimOf(req, ReceiptFor(req, nullptr))}), 6);
  EXPECT_EQ(r.status.code, TxCode::kStakeTooLow) << r.status.log;
  auto e = Run(node_, EnclaveBody(Document(*provider_, enclave_.public_key(), 5), 5), 6);
  EXPECT_EQ(e.status.code, TxCode::kStakeTooLow) << e.status.log;
  EXPECT_EQ(Account(client_).balance(), 1'000u);
}

TEST_F(JailTest, EnclaveKeyLimitFreesOnlyLongExpiredKeys) {
  SetUpTee();                          // key 33 registered at block time now (ttl 60 s)
  for (uint8_t b = 60; b < 75; ++b) {  // 15 more: 16 in all
    auto k = testing::KeyFromByte(b);
    auto r = Run(node_, EnclaveBody(Document(*provider_, k.public_key(), 5), 5), 6);
    ASSERT_TRUE(r.status.ok()) << r.status.log;
  }
  EXPECT_EQ(NodeRecord().enclave_keys_size(), 16);
  auto extra = testing::KeyFromByte(80);
  auto full = Run(node_, EnclaveBody(Document(*provider_, extra.public_key(), 5), 5), 6);
  EXPECT_EQ(full.status.code, TxCode::kInvalidMessage) << full.status.log;
  // Expired, but not for a whole ttl: still kept (they may be re-attested).
  auto soon = Run(node_, EnclaveBody(Document(*provider_, extra.public_key(), 6), 6), 7, 90'000);
  EXPECT_EQ(soon.status.code, TxCode::kInvalidMessage) << soon.status.log;
  // Expired for over a ttl: their slots and records are freed.
  auto later = Run(node_, EnclaveBody(Document(*provider_, extra.public_key(), 7), 7), 8, 130'000);
  ASSERT_TRUE(later.status.ok()) << later.status.log;
  EXPECT_EQ(NodeRecord().enclave_keys_size(), 1);
  EXPECT_FALSE(EnclaveRecord().has_value());
}

}  // namespace
}  // namespace vinet::chain
