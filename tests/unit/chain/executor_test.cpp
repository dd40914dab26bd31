#include <gtest/gtest.h>

#include "unit/chain/chain_test_util.h"
#include "vinet/chain/executor.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::KeyFromByte;
using testing::TransferBody;

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({AddrOf(alice_), 10'000});
    State s(state_);
    ASSERT_TRUE(ApplyGenesis(g, s).ok());
  }
  ExecResult Run(const txpb::TxBody& body, ExecMode mode = ExecMode::kDeliver,
                 const crypto::SecretKey* key = nullptr) {
    auto bytes = BuildSignedTx(key ? *key : alice_, body);
    return ExecuteTx(state_, bytes, 5, "test-chain", mode);
  }
  statepb::Account Account(const std::string& addr) {
    State s(state_);
    return s.GetAccount(addr).value();
  }

  crypto::SecretKey alice_ = KeyFromByte(10);
  crypto::SecretKey bob_ = KeyFromByte(11);
  EmptyKv empty_;
  Overlay state_{empty_};
};

TEST_F(ExecutorTest, TransferMovesBalanceChargesFeeAndBumpsNonce) {
  auto r = Run(TransferBody("test-chain", 0, AddrOf(bob_), 300, 2));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Account(AddrOf(alice_)).balance(), 10'000u - 300 - 2);
  EXPECT_EQ(Account(AddrOf(alice_)).nonce(), 1u);
  EXPECT_EQ(Account(AddrOf(bob_)).balance(), 300u);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].type(), "vinet.transfer");
  EXPECT_EQ(r.events[0].attributes(2).value(), "300");
  EXPECT_TRUE(r.events[0].attributes(0).index());
}

TEST_F(ExecutorTest, ReplayedNonceRejected) {
  auto body = TransferBody("test-chain", 0, AddrOf(bob_), 1);
  ASSERT_TRUE(Run(body).status.ok());
  auto r = Run(body);
  EXPECT_EQ(r.status.code, TxCode::kBadNonce);
  EXPECT_NE(r.status.log.find("expected 1, got 0"), std::string::npos) << r.status.log;
}

TEST_F(ExecutorTest, WrongChainIdRejected) {
  auto r = Run(TransferBody("other-chain", 0, AddrOf(bob_), 1));
  EXPECT_EQ(r.status.code, TxCode::kWrongChainId);
  EXPECT_NE(r.status.log.find("expected 'test-chain', got 'other-chain'"), std::string::npos);
}

TEST_F(ExecutorTest, FeeBelowMinimumRejected) {
  EXPECT_EQ(Run(TransferBody("test-chain", 0, AddrOf(bob_), 1, 0)).status.code, TxCode::kFeeTooLow);
}

TEST_F(ExecutorTest, OverspendInCheckLeavesStateUntouched) {
  auto r = Run(TransferBody("test-chain", 0, AddrOf(bob_), 1'000'000), ExecMode::kCheck);
  EXPECT_EQ(r.status.code, TxCode::kInsufficientFunds);
  EXPECT_EQ(Account(AddrOf(alice_)).nonce(), 0u);
  EXPECT_EQ(Account(AddrOf(alice_)).balance(), 10'000u);
}

TEST_F(ExecutorTest, OverspendInDeliverPaysFeeButMovesNothing) {
  auto r = Run(TransferBody("test-chain", 0, AddrOf(bob_), 1'000'000, 3));
  EXPECT_EQ(r.status.code, TxCode::kInsufficientFunds);
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(Account(AddrOf(alice_)).nonce(), 1u);
  EXPECT_EQ(Account(AddrOf(alice_)).balance(), 10'000u - 3);
  EXPECT_EQ(Account(AddrOf(bob_)).balance(), 0u);
}

TEST_F(ExecutorTest, UnknownSenderCannotPayFee) {
  auto r = Run(TransferBody("test-chain", 0, AddrOf(alice_), 1), ExecMode::kCheck, &bob_);
  EXPECT_EQ(r.status.code, TxCode::kInsufficientFunds);
}

TEST_F(ExecutorTest, InvalidRecipientRejected) {
  auto r = Run(TransferBody("test-chain", 0, "ABC", 1), ExecMode::kCheck);
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_NE(r.status.log.find("transfer.to"), std::string::npos);
}

TEST_F(ExecutorTest, OversizedTxRejected) {
  auto body = TransferBody("test-chain", 0, AddrOf(bob_), 1);
  body.mutable_transfer()->set_to(std::string(1'100'000, 'a'));
  EXPECT_EQ(Run(body).status.code, TxCode::kTxTooLarge);
}

txpb::TxBody NodeBody(uint64_t nonce) {
  txpb::TxBody b;
  b.set_chain_id("test-chain");
  b.set_nonce(nonce);
  b.set_fee(1);
  return b;
}

TEST_F(ExecutorTest, NodeLifecycleRegisterUnbondWithdraw) {
  auto reg = NodeBody(0);
  reg.mutable_register_node()->set_stake(999);
  reg.mutable_register_node()->set_endpoint("http://n1");
  EXPECT_EQ(Run(reg).status.code, TxCode::kStakeTooLow);

  reg = NodeBody(1);
  reg.mutable_register_node()->set_stake(2000);
  reg.mutable_register_node()->set_endpoint("http://n1");
  auto r = Run(reg);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(r.events.at(0).type(), "vinet.node");
  EXPECT_EQ(Account(AddrOf(alice_)).balance(), 10'000u - 1 - 1 - 2000);
  reg.set_nonce(2);
  EXPECT_EQ(Run(reg).status.code, TxCode::kNodeExists);

  auto withdraw = NodeBody(3);
  withdraw.mutable_withdraw();
  EXPECT_EQ(Run(withdraw).status.code, TxCode::kUnbondingPending);

  auto unbond = NodeBody(4);
  unbond.mutable_unbond();
  ASSERT_TRUE(Run(unbond).status.ok());
  unbond.set_nonce(5);
  EXPECT_EQ(Run(unbond).status.code, TxCode::kNodeNotActive);

  // Height 5 + 10 unbonding blocks: withdrawal allowed from height 15.
  withdraw.set_nonce(6);
  auto early =
      ExecuteTx(state_, BuildSignedTx(alice_, withdraw), 14, "test-chain", ExecMode::kDeliver);
  EXPECT_EQ(early.status.code, TxCode::kUnbondingPending);
  withdraw.set_nonce(7);
  auto ok =
      ExecuteTx(state_, BuildSignedTx(alice_, withdraw), 15, "test-chain", ExecMode::kDeliver);
  ASSERT_TRUE(ok.status.ok()) << ok.status.log;
  EXPECT_EQ(Account(AddrOf(alice_)).balance(), 10'000u - 8);
  State s(state_);
  EXPECT_FALSE(s.GetNode(AddrOf(alice_)).value().has_value());
}

TEST_F(ExecutorTest, UnbondWithoutNode) {
  auto unbond = NodeBody(0);
  unbond.mutable_unbond();
  EXPECT_EQ(Run(unbond).status.code, TxCode::kNodeNotFound);
}

}  // namespace
}  // namespace vinet::chain
