// ZKML keys of the conjectured Basefold regime (key kinds 6 and 7, docs/zk.md
// "Conjectured regime"): complete, at least 100 (conjectured) bits, fewer
// queries than kinds 4 and 5, their own key kinds and model ids, and a proof
// under one regime is rejected under the other (the query count is bound).
#include <gtest/gtest.h>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zkml/zkml.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;
using testing::RandomTensor;

runtime::Int8Tensor Input(const VerifyingKey& vk, uint32_t seed) {
  auto q = QuantizeInput(vk.spec, RandomTensor(vk.spec.input_shape, seed, 2.0f));
  EXPECT_TRUE(q.ok());
  return *q;
}

size_t Queries(const VerifyingKey& vk) {
  std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
  return static_cast<const zk::BasefoldPcs&>(*pcs).ShapeFor(vk.weights.num_vars).num_queries;
}

TEST(ZkmlConjecturedRegime, KindsSixAndSevenCompleteAndRejectTheJohnsonKindsProofs) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 11);
  for (bool hiding : {false, true}) {
    SCOPED_TRACE(hiding ? "hiding" : "plain");
    ZkmlParams johnson_params, conj_params;
    johnson_params.hiding = conj_params.hiding = hiding;
    conj_params.pcs = PcsKind::kBasefoldFp4Conjectured;
    auto johnson = Commit(q, johnson_params);
    auto conj = Commit(q, conj_params);
    ASSERT_TRUE(johnson.ok() && conj.ok()) << conj.status().ToString();
    PcsKind want = hiding ? PcsKind::kHidingBasefoldConjectured : PcsKind::kBasefoldFp4Conjectured;
    EXPECT_EQ(conj->vk.pcs, want);
    EXPECT_TRUE(IsConjecturedKind(conj->vk.pcs));
    EXPECT_FALSE(IsConjecturedKind(johnson->vk.pcs));
    EXPECT_EQ(conj->vk.hiding(), hiding);
    EXPECT_EQ(conj->vk.Pcs()->hiding(), hiding);
    EXPECT_EQ(conj->vk.log_inv_rate, 4);
    EXPECT_GE(SoundnessBits(conj->vk), 100.0);
    EXPECT_LT(Queries(conj->vk), Queries(johnson->vk));
    EXPECT_NE(conj->vk.ModelId(), johnson->vk.ModelId());
    // Key: version 3, kind 6 / 7; parses back to itself.
    Bytes key = conj->vk.Encode();
    EXPECT_EQ(key[key.size() - 4], static_cast<uint8_t>(want));
    auto parsed = VerifyingKey::Parse(key);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->Encode(), key);
    EXPECT_EQ(parsed->ModelId(), conj->vk.ModelId());

    runtime::Int8Tensor in = Input(conj->vk, 2);
    auto pc = Prove(*conj->package, in);
    auto pj = Prove(*johnson->package, in);
    ASSERT_TRUE(pc.ok() && pj.ok()) << pc.status().ToString();
    Status ok = Verify(conj->vk, in, pc->output, pc->proof);
    EXPECT_TRUE(ok.ok()) << ok.ToString();
    EXPECT_LT(pc->proof.size(), pj->proof.size());
    // The same commitment under the other regime's kind: the proofs differ in
    // their query counts and are refused both ways.
    VerifyingKey swapped = conj->vk;
    swapped.pcs = johnson->vk.pcs;
    EXPECT_FALSE(Verify(swapped, in, pc->output, pc->proof).ok());
    VerifyingKey swapped_back = johnson->vk;
    swapped_back.pcs = conj->vk.pcs;
    EXPECT_FALSE(Verify(swapped_back, in, pj->output, pj->proof).ok());
  }
}

TEST(ZkmlConjecturedRegime, OtherSchemesHaveNoConjecturedKindAndBadKindsAreRefused) {
  // Kind 8 does not exist: the parser names the field.
  runtime::QuantizedModel q = RandomMlp({12, 8, 4}, 5);
  ZkmlParams p;
  p.pcs = PcsKind::kBasefoldFp4Conjectured;
  auto c = Commit(q, p);
  ASSERT_TRUE(c.ok());
  Bytes key = c->vk.Encode();
  key[key.size() - 4] = 8;
  auto parsed = VerifyingKey::Parse(key);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("vk.pcs_kind"), std::string::npos);
  EXPECT_EQ(DefaultLogInvRate(PcsKind::kHidingBasefoldConjectured), 4);
  EXPECT_TRUE(IsHidingKind(PcsKind::kHidingBasefoldConjectured));
  EXPECT_FALSE(IsHidingKind(PcsKind::kBasefoldFp4Conjectured));
}

}  // namespace
}  // namespace vinet::zkml
