// Client deposits per node (issue 12, finding 10): Deposit / ReleaseDeposit /
// WithdrawDeposit rules, claims drawing the deposit of the claiming node only,
// and the unlock delay that outlives every request.
#include "unit/chain/inference_fixture.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"

namespace vinet::chain {
namespace {

using protocol::Mode;
using testing::AddrOf;
using testing::InferenceFixture;
using testing::KeyFromByte;

class DepositTest : public InferenceFixture {
 protected:
  txpb::TxBody DepositBody(const std::string& node, uint64_t amount) {
    txpb::TxBody b;
    b.mutable_deposit()->set_node(node);
    b.mutable_deposit()->set_amount(amount);
    return b;
  }
  txpb::TxBody ReleaseBody(const std::string& node) {
    txpb::TxBody b;
    b.mutable_release_deposit()->set_node(node);
    return b;
  }
  txpb::TxBody WithdrawBody(const std::string& node) {
    txpb::TxBody b;
    b.mutable_withdraw_deposit()->set_node(node);
    return b;
  }
  statepb::Deposit DepositOf(const crypto::SecretKey& client, const crypto::SecretKey& node) {
    State s(state_);
    return s.GetDeposit(AddrOf(client), AddrOf(node)).value();
  }
  std::string ClaimStatus(const ExecResult& r) {
    for (const auto& ev : r.events) {
      if (ev.type() == "vinet.claim") return Attr(ev, "status");
    }
    return "<none>";
  }
  crypto::SecretKey other_node_ = KeyFromByte(40);
};

TEST_F(DepositTest, DepositMovesBalanceAndRejectsBadFields) {
  std::string node = AddrOf(node_);
  auto r = Run(client_, DepositBody(node, 300));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(DepositOf(client_, node_).amount(), 300u);
  EXPECT_EQ(Account(client_).balance(), 1'000u - 1 - 300);
  EXPECT_EQ(Run(client_, DepositBody(node, 10'000)).status.code, TxCode::kInsufficientFunds);
  EXPECT_EQ(Run(client_, DepositBody(node, 0)).status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(Run(client_, DepositBody("XYZ", 5)).status.code, TxCode::kInvalidMessage);
}

TEST_F(DepositTest, DepositTxsPayTheFeeSchedule) {
  // Finding 8: every tx pays min_fee + fee_per_kib per full KiB (+ per claim);
  // the deposit txs are no exception.
  params_.set_min_fee(3);
  params_.set_fee_per_kib(2);
  SetParams(params_);
  std::string node = AddrOf(node_);
  auto signed_with = [&](txpb::TxBody body, bool pay) {
    body.set_chain_id(std::string(testing::kChain));
    body.set_nonce(NextNonce(client_));
    body.set_fee(1);
    if (pay) PayMinimumFee(FeesOf(params_), body);
    return ExecuteTx(state_, BuildSignedTx(client_, body), 5, testing::kChain, ExecMode::kDeliver,
                     now_ms_);
  };
  for (const auto& body : {DepositBody(node, 50), ReleaseBody(node)}) {
    EXPECT_EQ(signed_with(body, false).status.code, TxCode::kFeeTooLow);
    auto r = signed_with(body, true);
    EXPECT_TRUE(r.status.ok()) << r.status.log;
  }
  EXPECT_EQ(signed_with(WithdrawBody(node), false).status.code, TxCode::kFeeTooLow);
  // Paid, but still locked: refused by the handler, not for its fee.
  EXPECT_EQ(signed_with(WithdrawBody(node), true).status.code, TxCode::kUnbondingPending);
  EXPECT_EQ(Account(client_).balance(), 1'000u - 50 - 3 - 3 - 3);
}

TEST_F(DepositTest, ClaimsDrawTheClaimingNodesDepositFirstThenTheBalance) {
  SetUpTee();
  ASSERT_TRUE(Run(client_, DepositBody(AddrOf(node_), 15)).status.ok());
  uint64_t balance = Account(client_).balance();
  auto a = Request(Mode::kVanilla, 1);
  auto r = Run(node_, ClaimsBody({ClaimOf(a, ReceiptFor(a, nullptr))}), 6);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(ClaimStatus(r), "SETTLED");
  EXPECT_EQ(DepositOf(client_, node_).amount(), 5u);  // fee 10 from the deposit
  EXPECT_EQ(Account(client_).balance(), balance);
  auto b = Request(Mode::kVanilla, 2);
  r = Run(node_, ClaimsBody({ClaimOf(b, ReceiptFor(b, nullptr))}), 7);
  EXPECT_EQ(ClaimStatus(r), "SETTLED");
  EXPECT_EQ(DepositOf(client_, node_).amount(), 0u);  // 5 from the deposit, 5 from the balance
  EXPECT_EQ(Account(client_).balance(), balance - 5);
}

TEST_F(DepositTest, AnotherNodesDepositIsNotDrawn) {
  SetUpTee();
  // All of the client's funds sit in its deposit for another node: this
  // node's claim is UNFUNDED, the other node's deposit untouched.
  uint64_t all = Account(client_).balance() - 1;
  ASSERT_TRUE(Run(client_, DepositBody(AddrOf(other_node_), all)).status.ok());
  auto a = Request(Mode::kVanilla, 1);
  auto r = Run(node_, ClaimsBody({ClaimOf(a, ReceiptFor(a, nullptr))}), 6);
  EXPECT_EQ(ClaimStatus(r), "UNFUNDED");
  EXPECT_EQ(DepositOf(client_, other_node_).amount(), all);
}

TEST_F(DepositTest, ReleaseLocksForTheDelayThenWithdrawReturnsTheRest) {
  std::string node = AddrOf(node_);
  ASSERT_TRUE(Run(client_, DepositBody(node, 100)).status.ok());
  EXPECT_EQ(Run(client_, WithdrawBody(node)).status.code, TxCode::kUnbondingPending);  // no release
  ASSERT_TRUE(Run(client_, ReleaseBody(node), 5, 0).status.ok());
  int64_t unlock = DepositOf(client_, node_).unlock_time_ms();
  EXPECT_EQ(unlock, now_ms_ + params_.escrow_unlock_delay_ms());
  EXPECT_GT(params_.escrow_unlock_delay_ms(), params_.max_request_ttl_ms());
  EXPECT_EQ(Run(client_, ReleaseBody(node)).status.code, TxCode::kInvalidMessage);  // twice
  int64_t just_before = params_.escrow_unlock_delay_ms() - 1;
  EXPECT_EQ(Run(client_, WithdrawBody(node), 6, just_before).status.code,
            TxCode::kUnbondingPending);
  uint64_t balance = Account(client_).balance();
  auto w = Run(client_, WithdrawBody(node), 7, params_.escrow_unlock_delay_ms());
  ASSERT_TRUE(w.status.ok()) << w.status.log;
  EXPECT_EQ(Account(client_).balance(), balance - 1 + 100);
  EXPECT_EQ(DepositOf(client_, node_).amount(), 0u);
  EXPECT_EQ(DepositOf(client_, node_).unlock_time_ms(), 0);
}

TEST_F(DepositTest, ANewDepositCancelsARelease) {
  std::string node = AddrOf(node_);
  ASSERT_TRUE(Run(client_, DepositBody(node, 100)).status.ok());
  ASSERT_TRUE(Run(client_, ReleaseBody(node)).status.ok());
  ASSERT_TRUE(Run(client_, DepositBody(node, 1)).status.ok());
  EXPECT_EQ(DepositOf(client_, node_).unlock_time_ms(), 0);
  EXPECT_EQ(DepositOf(client_, node_).amount(), 101u);
}

TEST(DepositGenesis, UnlockDelayMustExceedTheRequestTtl) {
  auto g =
      ParseGenesis(R"({"params": {"max_request_ttl_ms": 1000, "escrow_unlock_delay_ms": 1000}})");
  EXPECT_EQ(g.status().code(), Code::kParse);
  EXPECT_NE(g.status().message().find("escrow_unlock_delay_ms"), std::string::npos);
  g = ParseGenesis(R"({"params": {"max_request_ttl_ms": 1000, "escrow_unlock_delay_ms": 1001}})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->params.escrow_unlock_delay_ms(), 1001);
}

}  // namespace
}  // namespace vinet::chain
