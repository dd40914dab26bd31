// Finding 3 of issue 12: the ZKML verification budget cannot be monopolised.
// Verification fees follow metered cost, models have a minimum fee, a node's
// later proof txs in a block are capped at its share, a claim whose proof
// was refused only for lack of budget gets its deadline extended instead of
// expiring, and jailed nodes cannot submit proofs.
#include "unit/chain/zkml_fixture.h"
#include "vinet/chain/fee.h"

namespace vinet::chain {
namespace {

using testing::ZkmlFixture;

class ZkmlBudgetTest : public ZkmlFixture {
 protected:
  ExecResult Exec(const crypto::SecretKey& key, txpb::TxBody body, int64_t height, ExecMode mode,
                  uint64_t fee = 1, uint64_t* units = nullptr,
                  std::map<std::string, uint64_t>* node_units = nullptr) {
    body.set_chain_id(std::string(testing::kChain));
    body.set_nonce(NextNonce(key));
    body.set_fee(fee);
    return ExecuteTx(state_, BuildSignedTx(key, body), height, testing::kChain, mode, now_ms_, 0,
                     units, node_units);
  }
  void Jail() {
    State s(state_);
    auto node = s.GetNode(testing::AddrOf(node_)).value().value();
    node.set_jailed(true);
    s.PutNode(testing::AddrOf(node_), node);
  }
  uint64_t Cost() { return zkml::EstimateVerifyCost(Key()).units(); }
};

TEST_F(ZkmlBudgetTest, JailedNodeCannotSubmitProofs) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  Jail();
  auto check = Check(node_, ProofsBody({ProofOf(job)}));
  EXPECT_EQ(check.status.code, TxCode::kNodeJailed);
  EXPECT_EQ(Deliver(node_, ProofsBody({ProofOf(job)}), 6).status.code, TxCode::kNodeJailed);
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_PENDING);
}

TEST_F(ZkmlBudgetTest, VerificationFeeFollowsMeteredCost) {
  SetUpZkml();  // registered first: its weight-range proof's units are priced too
  params_.set_fee_per_million_verify_units(100'000);  // 0.1 per unit
  SetParams(params_);
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  auto low = Exec(node_, ProofsBody({ProofOf(job)}), 6, ExecMode::kCheck, 1);
  EXPECT_EQ(low.status.code, TxCode::kFeeTooLow);
  EXPECT_NE(low.status.log.find(std::to_string(Cost()) + " verify units"), std::string::npos)
      << low.status.log;
  uint64_t need = 1 + VerifyFee(FeesOf(params_), Cost());
  ASSERT_EQ(need, 1 + (Cost() + 9) / 10);
  EXPECT_EQ(Exec(node_, ProofsBody({ProofOf(job)}), 6, ExecMode::kCheck, need - 1).status.code,
            TxCode::kFeeTooLow);
  auto paid = Exec(node_, ProofsBody({ProofOf(job)}), 6, ExecMode::kDeliver, need);
  ASSERT_TRUE(paid.status.ok()) << paid.status.log;
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_SETTLED);
}

TEST_F(ZkmlBudgetTest, ModelFeeBelowMinimumRefused) {
  params_.set_min_model_fee(5);
  SetParams(params_);
  auto r = Run(owner_, ZkmlModelBody("cheap", Key(), 4));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_NE(r.status.log.find("below min_model_fee 5"), std::string::npos) << r.status.log;
  EXPECT_TRUE(Run(owner_, ZkmlModelBody("fair", Key(), 5)).status.ok());
}

TEST_F(ZkmlBudgetTest, LaterProofTxsOfOneNodeCappedAtItsShare) {
  params_.set_max_block_verify_units(4 * Cost());
  params_.set_max_node_verify_share_bps(5000);  // two proofs' worth
  SetParams(params_);
  SetUpZkml();
  auto a = Job(1, 0.1f), b = Job(2, 0.2f), c = Job(3, 0.4f);
  for (auto* j : {&a, &b, &c}) ASSERT_TRUE(SubmitClaim(*j).status.ok());
  uint64_t units = 0;
  std::map<std::string, uint64_t> per_node;
  auto deliver = [&](const testing::ZkmlJob& j) {
    return Exec(node_, ProofsBody({ProofOf(j)}), 6, ExecMode::kDeliver, 1, &units, &per_node);
  };
  ASSERT_TRUE(deliver(a).status.ok());
  ASSERT_TRUE(deliver(b).status.ok());
  auto third = deliver(c);
  EXPECT_EQ(third.status.code, TxCode::kVerifyBudgetExceeded);
  EXPECT_NE(third.status.log.find("its share"), std::string::npos) << third.status.log;
  EXPECT_EQ(units, 2 * Cost());  // the block still has room for other nodes
  EXPECT_EQ(per_node[testing::AddrOf(node_)], 2 * Cost());
  EXPECT_EQ(Record(c).status(), statepb::CLAIM_STATUS_PENDING);
}

// Budget crowding: the block is full when an honest proof arrives near its
// deadline. The tx fails (fee spent) but the claim's deadline moves, so it
// does not EXPIRE (and slash) while crowded out; a proof in a later block
// settles it. The extension is bounded.
TEST_F(ZkmlBudgetTest, ProofRefusedForBudgetExtendsDeadlineInsteadOfSlashing) {
  params_.set_max_block_verify_units(Cost() + Cost() / 2);  // one proof per block
  params_.set_budget_grace_blocks(10);
  SetParams(params_);
  SetUpZkml();
  auto crowd = Job(1, 0.1f), honest = Job(2, 0.2f);
  ASSERT_TRUE(SubmitClaim(crowd).status.ok());
  ASSERT_TRUE(SubmitClaim(honest).status.ok());
  int64_t deadline = Record(honest).deadline();  // 5 + 100
  uint64_t stake = NodeRecord().stake();
  // Far from its deadline: refused for budget, no extension needed.
  uint64_t units = 0;
  ASSERT_TRUE(
      Exec(node_, ProofsBody({ProofOf(crowd)}), 6, ExecMode::kDeliver, 1, &units).status.ok());
  auto early = Exec(node_, ProofsBody({ProofOf(honest)}), 6, ExecMode::kDeliver, 1, &units);
  EXPECT_EQ(early.status.code, TxCode::kVerifyBudgetExceeded);
  EXPECT_EQ(Record(honest).deadline(), deadline);
  // In its deadline block, with the budget used up by another proof.
  uint64_t full = Cost();
  auto late = Exec(node_, ProofsBody({ProofOf(honest)}), deadline, ExecMode::kDeliver, 1, &full);
  EXPECT_EQ(late.status.code, TxCode::kVerifyBudgetExceeded);
  ASSERT_EQ(Record(honest).deadline(), deadline + 10);
  bool deferred = false;
  for (const auto& ev : late.events) deferred |= Attr(ev, "result") == "DEFERRED";
  EXPECT_TRUE(deferred);
  {
    State s(state_);
    Events events;
    ASSERT_TRUE(ExpireClaims(s, params_, deadline + 1, events).ok());
    EXPECT_TRUE(events.empty());
  }
  EXPECT_EQ(Record(honest).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(NodeRecord().stake(), stake);
  uint64_t fresh = 0;
  ASSERT_TRUE(
      Exec(node_, ProofsBody({ProofOf(honest)}), deadline + 5, ExecMode::kDeliver, 1, &fresh)
          .status.ok());
  EXPECT_EQ(Record(honest).status(), statepb::CLAIM_STATUS_SETTLED);
}

TEST_F(ZkmlBudgetTest, DeadlineExtensionIsCapped) {
  params_.set_max_block_verify_units(Cost() + Cost() / 2);
  params_.set_budget_grace_blocks(80);
  SetParams(params_);
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job, 5).status.ok());
  int64_t cap = 5 + 2 * params_.zkml_deadline_blocks();
  int64_t h = Record(job).deadline();
  for (int i = 0; i < 5; ++i) {
    uint64_t full = Cost();
    Exec(node_, ProofsBody({ProofOf(job)}), h, ExecMode::kDeliver, 1, &full);
    h = Record(job).deadline();
  }
  EXPECT_EQ(h, cap);
  {
    State s(state_);
    Events events;
    ASSERT_TRUE(ExpireClaims(s, params_, cap + 1, events).ok());
    ASSERT_EQ(events.size(), 1u);
  }
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_EXPIRED);
}

}  // namespace
}  // namespace vinet::chain
