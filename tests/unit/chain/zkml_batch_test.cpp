// Batch proofs in SubmitProofs (docs/chain.md "ZKML settlement", batches):
// one zkml::VerifyBatch settles k claims; a bad batch proof rejects every
// claim it names; a batch naming another node's claim, a claim of another
// model, a claim that is not PENDING or an id twice changes nothing.
#include "unit/chain/zkml_fixture.h"

namespace vinet::chain {
namespace {

using testing::ZkmlFixture;
using testing::ZkmlJob;

class ZkmlBatchTest : public ZkmlFixture {
 protected:
  // k PENDING claims of m1 by the node.
  std::vector<ZkmlJob> Claims(size_t k = 4, uint64_t first_nonce = 1) {
    std::vector<ZkmlJob> jobs;
    for (size_t n = 0; n < k; ++n) {
      jobs.push_back(Job(first_nonce + n, 0.1f + 0.2f * static_cast<float>(n)));
      auto r = SubmitClaim(jobs.back());
      EXPECT_TRUE(r.status.ok()) << r.status.log;
      EXPECT_EQ(Attr(r.events[0], "status"), "PENDING") << Attr(r.events[0], "reason");
    }
    return jobs;
  }
  static std::vector<const ZkmlJob*> Ptrs(const std::vector<ZkmlJob>& jobs) {
    std::vector<const ZkmlJob*> v;
    for (const auto& j : jobs) v.push_back(&j);
    return v;
  }
  void ExpectAll(const std::vector<ZkmlJob>& jobs, statepb::ClaimStatus status) {
    for (const auto& j : jobs) EXPECT_EQ(Record(j).status(), status) << Record(j).reason();
  }
};

TEST_F(ZkmlBatchTest, OneBatchProofSettlesEveryClaimItNames) {
  SetUpZkml();
  auto jobs = Claims();
  auto batch = BatchOf(Ptrs(jobs));
  EXPECT_TRUE(Check(node_, ProofsBody({}, {batch})).status.ok());
  uint64_t before = Account(node_).balance(), units = 0;
  auto r = Deliver(node_, ProofsBody({}, {batch}), 6, &units);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  ExpectAll(jobs, statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(Account(node_).balance(), before - 1 + 4 * 10);
  EXPECT_EQ(Risk(), 0u);
  EXPECT_EQ(units, zkml::EstimateBatchVerifyCost(Key(), 4).units());
  EXPECT_LT(units, 2 * zkml::EstimateVerifyCost(Key()).units());
  ASSERT_EQ(r.events.size(), 4u);
  for (size_t n = 0; n < 4; ++n) {
    EXPECT_EQ(Attr(r.events[n], "status"), "SETTLED");
    EXPECT_EQ(Attr(r.events[n], "id"), ToHex(protocol::InferenceId(jobs[n].request)));
  }
  // A single proof and a batch of the rest in one tx.
  auto more = Claims(3, 10);
  auto r2 = Deliver(node_, ProofsBody({ProofOf(more[0])}, {BatchOf({&more[1], &more[2]})}), 7);
  ASSERT_TRUE(r2.status.ok()) << r2.status.log;
  ExpectAll(more, statepb::CLAIM_STATUS_SETTLED);
}

TEST_F(ZkmlBatchTest, BadBatchProofRejectsEveryClaimItNames) {
  SetUpZkml();
  // The third claim records another output than the one proved.
  std::vector<ZkmlJob> jobs;
  for (size_t n = 0; n < 4; ++n) jobs.push_back(Job(1 + n, 0.1f + 0.2f * n));
  for (size_t n = 0; n < 4; ++n) {
    auto out = jobs[n].output;
    if (n == 2) out.data[0] = static_cast<int8_t>(out.data[0] == 5 ? 6 : 5);
    ASSERT_TRUE(
        Run(node_, ClaimsBody({ClaimOf(jobs[n].request, ZkmlReceipt(jobs[n], {Int8Output(out)}))}))
            .status.ok());
  }
  auto batch = BatchOf(Ptrs(jobs));
  EXPECT_TRUE(Check(node_, ProofsBody({}, {batch})).status.ok());  // well-formed
  auto r = Deliver(node_, ProofsBody({}, {batch}), 6);
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  ExpectAll(jobs, statepb::CLAIM_STATUS_REJECTED);
  EXPECT_TRUE(Record(jobs[0]).reason().starts_with("batch proof: ")) << Record(jobs[0]).reason();
  EXPECT_TRUE(NodeRecord().jailed());
  EXPECT_EQ(Risk(), 0u);
}

TEST_F(ZkmlBatchTest, MalformedBatchProofIsRefusedByCheckTxAndRejectedInABlock) {
  SetUpZkml();
  auto jobs = Claims(2);
  auto batch = BatchOf(Ptrs(jobs));
  auto cut = batch;
  cut.set_proof(batch.proof().substr(0, batch.proof().size() - 1));
  auto check = Check(node_, ProofsBody({}, {cut}));
  EXPECT_EQ(check.status.code, TxCode::kProofMalformed);
  EXPECT_NE(check.status.log.find("batch proof: "), std::string::npos) << check.status.log;
  // A single proof offered as a batch of one is malformed too.
  txpb::ZkmlBatchProof one;
  one.add_inference_ids(ProofOf(jobs[0]).inference_id());
  one.add_inputs(ProofOf(jobs[0]).inputs());
  one.set_proof(ToString(jobs[0].proof));
  EXPECT_EQ(Check(node_, ProofsBody({}, {one})).status.code, TxCode::kProofMalformed);
  auto r = Deliver(node_, ProofsBody({}, {cut}), 6);
  ASSERT_TRUE(r.status.ok());
  ExpectAll(jobs, statepb::CLAIM_STATUS_REJECTED);
}

TEST_F(ZkmlBatchTest, AnotherNodesOrModelsOrSettledClaimLeavesTheBatchUnverified) {
  SetUpZkml();
  ASSERT_TRUE(Run(owner_, ZkmlModelBody("m2", testing::Models().b.vk)).status.ok());
  auto jobs = Claims(3);
  // Another node submitting the node's claims.
  auto thief = testing::KeyFromByte(40);
  {
    State s(state_);
    statepb::Account a;
    a.set_balance(100);
    s.PutAccount(testing::AddrOf(thief), a);
  }
  auto batch = BatchOf(Ptrs(jobs));
  EXPECT_EQ(Check(thief, ProofsBody({}, {batch})).status.code, TxCode::kClaimNotOwned);
  auto r = Deliver(thief, ProofsBody({}, {batch}), 6);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.events.size(), 3u);
  for (const auto& e : r.events) EXPECT_EQ(Attr(e, "result"), "IGNORED");
  ExpectAll(jobs, statepb::CLAIM_STATUS_PENDING);

  // A claim of model m2 in a batch of m1 claims.
  ZkmlJob other = Job(50, 0.5f, &testing::Models().b, std::nullopt, "m2");
  ASSERT_TRUE(SubmitClaim(other).status.ok());
  auto mixed = BatchOf({&jobs[0], &other});
  auto check = Check(node_, ProofsBody({}, {mixed}));
  EXPECT_EQ(check.status.code, TxCode::kProofMalformed);
  EXPECT_NE(check.status.log.find("is of model m2, the batch's is m1"), std::string::npos)
      << check.status.log;
  r = Deliver(node_, ProofsBody({}, {mixed}), 6);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Record(jobs[0]).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(Record(other).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_FALSE(NodeRecord().jailed());

  // An already settled claim: the batch changes nothing, the others stay PENDING.
  ASSERT_TRUE(Deliver(node_, ProofsBody({ProofOf(jobs[0])}), 7).status.ok());
  ASSERT_EQ(Record(jobs[0]).status(), statepb::CLAIM_STATUS_SETTLED);
  EXPECT_EQ(Check(node_, ProofsBody({}, {batch}), 8).status.code, TxCode::kClaimNotPending);
  r = Deliver(node_, ProofsBody({}, {batch}), 8);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Record(jobs[1]).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(Record(jobs[2]).status(), statepb::CLAIM_STATUS_PENDING);
  EXPECT_EQ(Record(jobs[0]).settled_height(), 7);
  // The rest settle by a batch of their own.
  ASSERT_TRUE(Deliver(node_, ProofsBody({}, {BatchOf({&jobs[1], &jobs[2]})}), 9).status.ok());
  ExpectAll(jobs, statepb::CLAIM_STATUS_SETTLED);
}

TEST_F(ZkmlBatchTest, DuplicateIdsAndMalformedBatchesAreInvalidMessages) {
  SetUpZkml();
  auto jobs = Claims(2);
  auto batch = BatchOf(Ptrs(jobs));
  auto dup = batch;
  dup.set_inference_ids(1, dup.inference_ids(0));
  auto r = Check(node_, ProofsBody({}, {dup}));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log, "submit_proofs.batches[0].inference_ids[1]: duplicate in this tx");
  // The same claim as a single proof and in a batch.
  r = Check(node_, ProofsBody({ProofOf(jobs[0])}, {batch}));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  auto short_inputs = batch;
  short_inputs.mutable_inputs()->RemoveLast();
  r = Check(node_, ProofsBody({}, {short_inputs}));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log, "submit_proofs.batches[0].inputs: 1 entries for 2 inference_ids");
  txpb::ZkmlBatchProof empty;
  EXPECT_EQ(Check(node_, ProofsBody({}, {empty})).status.code, TxCode::kInvalidMessage);
  txpb::ZkmlBatchProof too_many;
  for (int i = 0; i < 33; ++i) {
    too_many.add_inference_ids(std::string(31, 'a') + static_cast<char>(i));
    too_many.add_inputs("");
  }
  r = Check(node_, ProofsBody({}, {too_many}));
  EXPECT_EQ(r.status.code, TxCode::kInvalidMessage);
  EXPECT_EQ(r.status.log, "submit_proofs.batches[0].inference_ids: 33 claims, want 1..32");
  auto deliver = Deliver(node_, ProofsBody({}, {dup}), 6);
  EXPECT_EQ(deliver.status.code, TxCode::kInvalidMessage);
  ExpectAll(jobs, statepb::CLAIM_STATUS_PENDING);
}

}  // namespace
}  // namespace vinet::chain
