// ZKML settlement with real proofs of a tiny MLP: registration of the
// verifying key, PENDING claims bound to input hash and int8 output,
// SubmitProofs (SETTLED / REJECTED / ignored), CheckTx's early rejections,
// block verify metering and expiry.
#include "unit/chain/zkml_fixture.h"
#include "vinet/chain/genesis.h"

namespace vinet::chain {
namespace {

using testing::AddrOf;
using testing::ZkmlFixture;
using testing::ZkmlJob;

class ZkmlSettlementTest : public ZkmlFixture {};

TEST_F(ZkmlSettlementTest, RegisterModelParsesMetersAndStoresTheKey) {
  ASSERT_TRUE(RegisterNode().status.ok());
  auto r = Run(owner_, ZkmlModelBody("m1", Key()));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  State s(state_);
  auto model = s.GetModel("m1").value().value();
  auto id = Key().ModelId();
  EXPECT_EQ(model.zkml_model_id(), std::string(id.begin(), id.end()));
  EXPECT_EQ(model.zkml_verify_cost(), zkml::EstimateVerifyCost(Key()).units());
  EXPECT_GT(model.zkml_verify_cost(), 0u);
  EXPECT_EQ(s.GetZkmlKey("m1").value().value(), ToString(Key().Encode()));
}

TEST_F(ZkmlSettlementTest, RegisterModelRejectsMissingForeignMalformedAndCostlyKeys) {
  auto no_key = ZkmlModelBody("m1", Key());
  no_key.mutable_register_model()->clear_zkml_verifying_key();
  auto r = Run(owner_, no_key);
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log, "register_model.zkml_verifying_key: required for MODE_ZKML");

  auto foreign = ModelBody("m1", {});
  foreign.mutable_register_model()->set_zkml_verifying_key(ToString(Key().Encode()));
  r = Run(owner_, foreign);
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_NE(r.status.log.find("modes lack MODE_ZKML"), std::string::npos) << r.status.log;

  auto bad = ZkmlModelBody("m1", Key());
  std::string key = bad.register_model().zkml_verifying_key();
  key.pop_back();
  bad.mutable_register_model()->set_zkml_verifying_key(key);
  r = Run(owner_, bad);
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_NE(r.status.log.find("register_model.zkml_verifying_key: "), std::string::npos);

  params_.set_max_block_verify_units(zkml::EstimateVerifyCost(Key()).units() - 1);
  SetParams(params_);
  r = Run(owner_, ZkmlModelBody("m1", Key()));
  EXPECT_EQ(r.status.code, TxCode::kVerifyCostTooHigh);
  EXPECT_NE(r.status.log.find("exceeds max_block_verify_units"), std::string::npos);
  State s(state_);
  EXPECT_FALSE(s.GetModel("m1").value().has_value());
  EXPECT_FALSE(s.GetZkmlKey("m1").value().has_value());
}

TEST_F(ZkmlSettlementTest, PendingClaimRecordsInputHashOutputAndDeadlineIndex) {
  SetUpZkml();
  auto job = Job(1);
  auto r = SubmitClaim(job, 5);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(r.events[0], "status"), "PENDING") << Attr(r.events[0], "reason");
  auto c = Record(job);
  EXPECT_EQ(c.deadline(), 5 + params_.zkml_deadline_blocks());
  EXPECT_EQ(c.input_hash(), ToString(job.request.request.input_hash));
  EXPECT_EQ(c.output(), ToString(protocol::EncodeTensors({Int8Output(job.output)})));
  State s(state_);
  auto index = s.GetDeadlineIndex(c.deadline()).value();
  ASSERT_EQ(index.count(), 1u);
  EXPECT_EQ(s.GetDeadlineEntry(c.deadline(), 0).value(), c.inference_id());
  EXPECT_EQ(Risk(), 10u);
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
}

TEST_F(ZkmlSettlementTest, ReceiptOutputsMustBeOneInt8TensorOfTheKeysShape) {
  SetUpZkml();
  auto job = Job(1);
  auto f32 = protocol::F32Tensor("y", job.output.shape, std::vector<float>(3, 0.5f));
  auto extra = protocol::F32Tensor("z", job.output.shape, std::vector<float>(3, 0.5f));
  auto wrong_shape = Int8Output(job.output);
  wrong_shape.shape = {3};
  std::vector<std::vector<protocol::NamedTensor>> bad = {
      {}, {f32}, {wrong_shape}, {Int8Output(job.output), extra}};
  for (auto& outputs : bad) {
    auto receipt = ZkmlReceipt(job, outputs);
    auto r = Run(node_, ClaimsBody({ClaimOf(job.request, receipt)}));
    ASSERT_TRUE(r.status.ok()) << r.status.log;
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(Attr(r.events[0], "status"), "INVALID") << Attr(r.events[0], "reason");
    EXPECT_NE(Attr(r.events[0], "reason"), "");
  }
  // Outputs that do not hash to the signed output_hash.
  auto receipt = ZkmlReceipt(job);
  receipt.outputs[0].data[0] ^= 1;
  auto r = Run(node_, ClaimsBody({ClaimOf(job.request, receipt)}));
  EXPECT_EQ(Attr(r.events[0], "status"), "INVALID");
  EXPECT_EQ(Attr(r.events[0], "reason"),
            "receipt.outputs: TensorsHash differs from receipt.output_hash");
  EXPECT_FALSE(ClaimRecord(job.request).has_value());
  EXPECT_EQ(Account(client_).balance(), 1'000u);
}

TEST_F(ZkmlSettlementTest, ZkmlClaimsArePendingWithinTheRiskLimit) {
  ASSERT_TRUE(RegisterNode(1'000).status.ok());
  {
    State s(state_);
    statepb::Account rich;
    rich.set_balance(10'000);
    s.PutAccount(AddrOf(client_), rich);
  }
  ASSERT_TRUE(Run(owner_, ZkmlModelBody("m1", Key(), 600)).status.ok());
  auto a = Job(1, 0.1f);
  auto b = Job(2, 0.2f);
  auto fix = [&](ZkmlJob& j) {
    auto req = j.request.request;
    req.max_fee = 1'000;
    j.request = protocol::SignRequest(req, client_);
  };
  fix(a);
  fix(b);
  auto r = Run(
      node_, ClaimsBody({ClaimOf(a.request, ZkmlReceipt(a)), ClaimOf(b.request, ZkmlReceipt(b))}));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  EXPECT_EQ(Attr(r.events[0], "status"), "PENDING");
  EXPECT_EQ(Attr(r.events[1], "status"), "OVER_RISK_LIMIT");  // 600 + 600 > stake 1000
  EXPECT_EQ(Risk(), 600u);
  EXPECT_EQ(Account(client_).balance(), 10'000u - 600);  // escrowed
  EXPECT_EQ(Record(a).deadline(), 5 + params_.zkml_deadline_blocks());
  EXPECT_FALSE(ClaimRecord(b.request).has_value());
}

TEST_F(ZkmlSettlementTest, ValidProofSettlesPaysTheNodeAndReleasesRisk) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  uint64_t node_before = Account(node_).balance();
  uint64_t units = 0;
  auto r = Deliver(node_, ProofsBody({ProofOf(job)}), 6, &units);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  auto c = Record(job);
  EXPECT_EQ(c.status(), statepb::CLAIM_STATUS_SETTLED) << c.reason();
  EXPECT_EQ(c.settled_height(), 6);
  EXPECT_EQ(Account(node_).balance(), node_before - 1 + 10);
  EXPECT_EQ(Account(client_).balance(), 1'000u - 10);
  EXPECT_EQ(Risk(), 0u);
  EXPECT_EQ(units, zkml::EstimateVerifyCost(Key()).units());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].type(), "vinet.claim");
  EXPECT_EQ(Attr(r.events[0], "status"), "SETTLED");
  EXPECT_EQ(Attr(r.events[0], "mode"), "ZKML");
  EXPECT_EQ(Attr(r.events[0], "height"), "6");
  EXPECT_EQ(Attr(r.events[0], "id"), ToHex(protocol::InferenceId(job.request)));
  EXPECT_FALSE(NodeRecord().jailed());
}

// Each forgery fails verification in the block. Forgeries under the right
// key are well-formed (CheckTx admits them); another model's proof may not
// even fit this key's layout (CheckTx: proof_malformed).
class ForgedProofTest : public ZkmlSettlementTest {
 protected:
  void ExpectRejected(const ZkmlJob& job, const protocol::Receipt& receipt,
                      const txpb::ZkmlProof& proof, bool check_admits = true) {
    SetUpZkml();
    auto claim = Run(node_, ClaimsBody({ClaimOf(job.request, receipt)}));
    ASSERT_EQ(Attr(claim.events[0], "status"), "PENDING") << Attr(claim.events[0], "reason");
    auto check = Check(node_, ProofsBody({proof}));
    if (check_admits) {
      EXPECT_TRUE(check.status.ok()) << check.status.log;
    } else {
      EXPECT_TRUE(check.status.ok() || check.status.code == TxCode::kProofMalformed)
          << check.status.log;
    }
    auto r = Deliver(node_, ProofsBody({proof}), 6);
    ASSERT_TRUE(r.status.ok()) << r.status.log;
    auto c = Record(job);
    EXPECT_EQ(c.status(), statepb::CLAIM_STATUS_REJECTED);
    EXPECT_TRUE(c.reason().starts_with("proof: ")) << c.reason();
    EXPECT_EQ(c.settled_height(), 6);
    EXPECT_EQ(NodeRecord().stake(), 10'000u - 1'000);  // slash_invalid_bps 1000
    EXPECT_TRUE(NodeRecord().jailed());
    EXPECT_EQ(Account(client_).balance(), 1'000u + 500);  // fee refunded + compensation 500
    EXPECT_EQ(Risk(), 0u);
    EXPECT_EQ(Attr(r.events[0], "status"), "REJECTED");
  }
};

TEST_F(ForgedProofTest, WrongOutputIsRejected) {
  auto job = Job(1);
  auto out = job.output;
  out.data[0] = static_cast<int8_t>(out.data[0] == 5 ? 6 : 5);
  ExpectRejected(job, ZkmlReceipt(job, {Int8Output(out)}), ProofOf(job));
}

TEST_F(ForgedProofTest, ProofOfAnotherInputIsRejected) {
  auto job = Job(1, 0.3f, nullptr, /*proved_base=*/-0.9f);
  ExpectRejected(job, ZkmlReceipt(job), ProofOf(job));
}

TEST_F(ForgedProofTest, ProofOfAnotherModelIsRejected) {
  auto job = Job(1, 0.3f, &testing::Models().b);
  ExpectRejected(job, ZkmlReceipt(job), ProofOf(job), /*check_admits=*/false);
}

TEST_F(ZkmlSettlementTest, InputsNotMatchingTheClaimChangeNothing) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  auto other = Inputs(-0.9f);
  auto check = Check(node_, ProofsBody({ProofOf(job, std::nullopt, &other)}));
  EXPECT_EQ(check.status.code, TxCode::kProofMalformed);
  EXPECT_NE(check.status.log.find("TensorsHash differs from claim input_hash"), std::string::npos);
  auto r = Deliver(node_, ProofsBody({ProofOf(job, std::nullopt, &other)}), 6);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].type(), "vinet.proof");
  EXPECT_EQ(Attr(r.events[0], "result"), "IGNORED");
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(NodeRecord().stake(), 10'000u);
}

TEST_F(ZkmlSettlementTest, DuplicateProofIsIgnoredAndRefusedByCheckTx) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  auto twice = Deliver(node_, ProofsBody({ProofOf(job), ProofOf(job)}), 6);
  EXPECT_EQ(twice.status.code, TxCode::kInvalidMessage);
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(job)}), 6).status.ok());
  uint64_t node_before = Account(node_).balance();
  auto check = Check(node_, ProofsBody({ProofOf(job)}), 7);
  EXPECT_EQ(check.status.code, TxCode::kClaimNotPending);
  EXPECT_EQ(Account(node_).balance(), node_before);  // CheckTx rejection: untouched
  auto again = Deliver(node_, ProofsBody({ProofOf(job)}), 7);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(Attr(again.events[0], "result"), "IGNORED");
  EXPECT_EQ(Account(node_).balance(), node_before - 1);  // only the tx fee
  EXPECT_EQ(Record(job).settled_height(), 6);
}

TEST_F(ZkmlSettlementTest, ProofForAnotherNodesClaimChangesNothing) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  auto thief = testing::KeyFromByte(40);
  {
    State s(state_);
    statepb::Account a;
    a.set_balance(100);
    s.PutAccount(AddrOf(thief), a);
  }
  EXPECT_EQ(Check(thief, ProofsBody({ProofOf(job)})).status.code, TxCode::kClaimNotOwned);
  auto r = Deliver(thief, ProofsBody({ProofOf(job)}), 6);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Attr(r.events[0], "result"), "IGNORED");
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(Account(thief).balance(), 99u);
  txpb::ZkmlProof unknown = ProofOf(job);
  unknown.set_inference_id(std::string(32, 'z'));
  EXPECT_EQ(Check(node_, ProofsBody({unknown})).status.code, TxCode::kClaimNotFound);
}

TEST_F(ZkmlSettlementTest, CheckTxRejectsMalformedProofsWithoutTouchingState) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job).status.ok());
  std::vector<Bytes> bad = {Bytes(), Bytes(job.proof.begin(), job.proof.end() - 1), job.proof,
                            Bytes(100, 0xff)};
  bad[2].push_back(0);  // trailing byte
  uint64_t before = Account(node_).balance();
  for (const auto& proof : bad) {
    auto r = Check(node_, ProofsBody({ProofOf(job, proof)}));
    EXPECT_EQ(r.status.code, TxCode::kProofMalformed) << proof.size();
    EXPECT_NE(r.status.log.find("proof: "), std::string::npos) << r.status.log;
  }
  EXPECT_EQ(Account(node_).balance(), before);
  EXPECT_TRUE(Check(node_, ProofsBody({ProofOf(job)})).status.ok());
  // A malformed proof that reaches a block anyway is the node's fault.
  auto r = Deliver(node_, ProofsBody({ProofOf(job, bad[3])}), 6);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_REJECTED);
}

TEST_F(ZkmlSettlementTest, BlockVerifyBudgetFailsTheOverflowingTxWhole) {
  uint64_t cost = zkml::EstimateVerifyCost(Key()).units();
  params_.set_max_block_verify_units(cost + cost / 2);  // room for one proof
  SetParams(params_);
  SetUpZkml();
  auto a = Job(1, 0.1f), b = Job(2, 0.2f);
  ASSERT_TRUE(SubmitClaim(a).status.ok());
  ASSERT_TRUE(SubmitClaim(b).status.ok());
  EXPECT_EQ(Check(node_, ProofsBody({ProofOf(a), ProofOf(b)})).status.code,
            TxCode::kVerifyCostTooHigh);
  uint64_t units = 0;
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(a)}), 6, &units).status.ok());
  uint64_t nonce = NextNonce(node_), balance = Account(node_).balance();
  auto over = Deliver(node_, ProofsBody({ProofOf(b)}), 6, &units);
  EXPECT_EQ(over.status.code, TxCode::kVerifyBudgetExceeded);
  EXPECT_EQ(units, cost);
  EXPECT_EQ(Record(b).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(NextNonce(node_), nonce + 1);            // nonce consumed
  EXPECT_EQ(Account(node_).balance(), balance - 1);  // fee paid, nothing else
  uint64_t next_block = 0;
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(b)}), 7, &next_block).status.ok());
  EXPECT_EQ(Record(b).status(), statepb::CLAIM_STATUS_SETTLED);
}

TEST_F(ZkmlSettlementTest, MissedDeadlineExpiresSlashesAndRefunds) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job, 5).status.ok());
  int64_t deadline = Record(job).deadline();
  State s(state_);
  Events events;
  ASSERT_TRUE(ExpireClaims(s, params_, deadline, events).ok());  // the deadline block: still open
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(Check(node_, ProofsBody({ProofOf(job)}), deadline + 1).status.code,
            TxCode::kClaimNotPending);
  ASSERT_TRUE(ExpireClaims(s, params_, deadline + 1, events).ok());
  auto c = Record(job);
  EXPECT_EQ(c.status(), statepb::CLAIM_STATUS_EXPIRED);
  EXPECT_EQ(c.settled_height(), deadline + 1);
  EXPECT_EQ(NodeRecord().stake(), 10'000u - 500);  // slash_missing_bps 500
  EXPECT_FALSE(NodeRecord().jailed());
  EXPECT_EQ(Account(client_).balance(), 1'000u + 500);  // fee back + compensation
  EXPECT_EQ(Risk(), 0u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(Attr(events[0], "status"), "EXPIRED");
  EXPECT_FALSE(state_.Get(DeadlineKey(deadline)).value().has_value());  // bucket swept
}

TEST_F(ZkmlSettlementTest, SettledClaimsAreSkippedByTheSweep) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job, 5).status.ok());
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(job)}), 6).status.ok());
  int64_t deadline = Record(job).deadline();
  State s(state_);
  Events events;
  ASSERT_TRUE(ExpireClaims(s, params_, deadline + 1, events).ok());
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(NodeRecord().stake(), 10'000u);
}

TEST_F(ZkmlSettlementTest, WithdrawWaitsForPendingClaims) {
  SetUpZkml();
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job, 5).status.ok());
  txpb::TxBody unbond;
  unbond.mutable_unbond();
  ASSERT_TRUE(Run(node_, unbond, 6).status.ok());
  txpb::TxBody withdraw;
  withdraw.mutable_withdraw();
  int64_t later = 6 + params_.unbonding_blocks();
  auto r = Run(node_, withdraw, later);
  EXPECT_EQ(r.status.code, TxCode::kUnbondingPending);
  EXPECT_EQ(r.status.log, "withdraw: 1 ZKML claim(s) worth 10 still PENDING");
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(job)}), later).status.ok());
  EXPECT_TRUE(Run(node_, withdraw, later).status.ok());
}

TEST_F(ZkmlSettlementTest, WithdrawWaitsForPendingFeeZeroClaims) {
  // Finding 9: the pending fee value was the only check, so fee-0 claims
  // left a node free to walk away from the claims its stake backs. A genesis
  // with min_model_fee 0 allows fee-0 models.
  params_.set_min_model_fee(0);
  SetParams(params_);
  ASSERT_TRUE(RegisterNode().status.ok());
  ASSERT_TRUE(Run(owner_, ZkmlModelBody("m1", Key(), /*fee=*/0)).status.ok());
  auto job = Job(1);
  ASSERT_TRUE(SubmitClaim(job, 5).status.ok());
  EXPECT_EQ(Record(job).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(Risk(), 0u);
  txpb::TxBody unbond;
  unbond.mutable_unbond();
  ASSERT_TRUE(Run(node_, unbond, 6).status.ok());
  txpb::TxBody withdraw;
  withdraw.mutable_withdraw();
  int64_t later = 6 + params_.unbonding_blocks();
  auto r = Run(node_, withdraw, later);
  EXPECT_EQ(r.status.code, TxCode::kUnbondingPending);
  EXPECT_EQ(r.status.log, "withdraw: 1 ZKML claim(s) worth 0 still PENDING");
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(job)}), later).status.ok());
  EXPECT_TRUE(Run(node_, withdraw, later).status.ok());
}

TEST_F(ZkmlSettlementTest, ExpiriesNeverDrainStakeBelowMinStake) {
  params_.set_min_model_fee(0);  // a genesis that allows fee-0 models
  SetParams(params_);
  ASSERT_TRUE(RegisterNode(10'000).status.ok());
  ASSERT_TRUE(Run(owner_, ZkmlModelBody("m1", Key(), /*fee=*/0)).status.ok());
  params_.set_min_stake(9'800);
  SetParams(params_);
  std::vector<ZkmlJob> jobs;
  for (uint64_t n = 1; n <= 3; ++n) jobs.push_back(Job(n, 0.1f * static_cast<float>(n)));
  std::vector<txpb::Claim> claims;
  for (const auto& j : jobs) claims.push_back(ClaimOf(j.request, ZkmlReceipt(j)));
  ASSERT_TRUE(Run(node_, ClaimsBody(std::move(claims)), 5).status.ok());
  int64_t deadline = Record(jobs[0]).deadline();
  State s(state_);
  Events events;
  ASSERT_TRUE(ExpireClaims(s, params_, deadline + 1, events).ok());
  EXPECT_EQ(events.size(), 3u);
  EXPECT_EQ(NodeRecord().stake(), 9'800u);  // 200 (not 500), then nothing: floored
  EXPECT_FALSE(NodeRecord().jailed());
}

TEST_F(ZkmlSettlementTest, LargeDeadlineBucketIsOneKeyPerClaimAndFullySwept) {
  SetUpZkml();
  State s(state_);
  const int64_t deadline = 42;
  for (uint64_t i = 0; i < 300; ++i) {
    Bytes id(32, 0);
    id[0] = static_cast<uint8_t>(i), id[1] = static_cast<uint8_t>(i >> 8);
    ASSERT_TRUE(s.AddToDeadlineIndex(deadline, ToString(id)).ok());
  }
  EXPECT_EQ(s.GetDeadlineIndex(deadline).value().count(), 300u);
  Bytes last(32, 0);
  last[0] = 43, last[1] = 1;  // 299
  EXPECT_EQ(s.GetDeadlineEntry(deadline, 299).value(), ToString(last));
  // The header stays small whatever the bucket holds.
  EXPECT_LT(state_.Get(DeadlineKey(deadline)).value()->size(), 8u);
  Events events;
  ASSERT_TRUE(ExpireClaims(s, params_, deadline + 1, events).ok());  // ids name no claim
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(state_.Get(DeadlineKey(deadline)).value().has_value());
  EXPECT_FALSE(state_.Get(DeadlineEntryKey(deadline, 0)).value().has_value());
  EXPECT_FALSE(state_.Get(DeadlineEntryKey(deadline, 299)).value().has_value());
}

TEST_F(ZkmlSettlementTest, GenesisParsesTheZkmlParams) {
  auto g = ParseGenesis(R"({"params": {"slash_missing_bps": 250, "max_block_verify_units": 77}})");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->params.slash_missing_bps(), 250u);
  EXPECT_EQ(g->params.max_block_verify_units(), 77u);
  auto d = ParseGenesis("{}");
  EXPECT_EQ(d->params.max_block_verify_units(), kDefaultMaxBlockVerifyUnits);
  EXPECT_EQ(d->params.slash_missing_bps(), 500u);
  auto bad = ParseGenesis(R"({"params": {"slash_missing_bps": 10001}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "genesis.params.slash_missing_bps: larger than 10000");
  auto round = ParseGenesis(GenesisToJson(*g));
  EXPECT_EQ(round->params.SerializeAsString(), g->params.SerializeAsString());
}

}  // namespace
}  // namespace vinet::chain
