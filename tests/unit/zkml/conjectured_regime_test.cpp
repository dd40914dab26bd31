// ZKML keys of the conjectured Basefold regime (key kinds 6 and 7, docs/zk.md
// "Conjectured regime"): complete, at least 100 (conjectured) bits, fewer
// queries than kinds 4 and 5, their own key kinds and model ids, and a proof
// under one regime is rejected under the other (the query count is bound).
#include <gtest/gtest.h>

#include "vinet/zk/pcs/basefold.h"
#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;
using testing::RandomTensor;

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

    runtime::Int8Tensor in = testing::RandomInput(conj->vk, 2);
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

// Rate 1/32 (log_inv_rate 5) is open to Basefold over Fp4 only: fewer
// queries (each gains log2(1/(2 rho)) = 4 bits in the conjectured regime), its
// own model id; refused for Ligero and Basefold over Fp2 at commit and parse.
TEST(ZkmlConjecturedRegime, RateOneThirtySecondIsForBasefoldOverFp4Only) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 13);
  ZkmlParams p = testing::HidingParams(PcsKind::kHidingBasefoldConjectured);
  auto r4 = Commit(q, p);
  p.log_inv_rate = 5;
  auto r5 = Commit(q, p);
  ASSERT_TRUE(r4.ok() && r5.ok()) << r5.status().ToString();
  EXPECT_EQ(r5->vk.log_inv_rate, 5);
  EXPECT_LT(Queries(r5->vk), Queries(r4->vk));
  EXPECT_GE(SoundnessBits(r5->vk), 100.0);
  EXPECT_NE(r5->vk.ModelId(), r4->vk.ModelId());
  auto parsed = VerifyingKey::Parse(r5->vk.Encode());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  runtime::Int8Tensor in = testing::RandomInput(r5->vk, 4);
  auto proof = Prove(*r5->package, in);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  Status ok = Verify(r5->vk, in, proof->output, proof->proof);
  EXPECT_TRUE(ok.ok()) << ok.ToString();
  // The same key bytes naming another kind, or Ligero / Fp2 commits at rate 5.
  for (PcsKind other : {PcsKind::kHidingLigero, PcsKind::kBasefold}) {
    Bytes key = r5->vk.Encode();
    key[key.size() - 4] = static_cast<uint8_t>(other);
    auto bad = VerifyingKey::Parse(key);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("vk.log_inv_rate"), std::string::npos)
        << bad.status().message();
    ZkmlParams o;
    o.pcs = other;
    o.log_inv_rate = 5;
    EXPECT_EQ(Commit(q, o).status().code(), Code::kInvalidArgument);
  }
  ZkmlParams six;
  six.pcs = PcsKind::kBasefoldFp4Conjectured;
  six.log_inv_rate = 6;
  EXPECT_EQ(Commit(q, six).status().code(), Code::kInvalidArgument);
}

// Kind 7 keys lift the weight masks (docs/zk.md "Lifted masks"); their first
// round folds 5 variables where the advice joins the joint opening after two
// folds or more and the sparse pad covers that round (784-128-10: 17 weight
// variables, 14 advice ones), else 4 (256-128-10: 16 weight variables, whose
// pad covers 4 only; 120-100-10: none at 14 weight variables), and
// the choice is bound by the model id.
TEST(ZkmlConjecturedRegime, KindSevenLiftsTheWeightMasksAsTheAdviceAllows) {
  struct Case {
    std::vector<int64_t> dims;
    int log_inv_rate;
    size_t first;  // 0: whole masks
  };
  for (const Case& c :
       {Case{{784, 128, 10}, 4, 5}, Case{{256, 128, 10}, 4, 4}, Case{{120, 100, 10}, 5, 0}}) {
    auto circuit = SpecFromModel(RandomMlp(c.dims, 5));
    ASSERT_TRUE(circuit.ok()) << circuit.status().ToString();
    VerifyingKey vk;
    vk.spec = circuit->spec;
    vk.pcs = PcsKind::kHidingBasefoldConjectured;
    vk.log_inv_rate = c.log_inv_rate;
    vk.weights.num_vars = static_cast<uint32_t>(detail::MakeWeightLayout(vk.spec).num_vars);
    std::unique_ptr<zk::MultilinearPcs> pcs = vk.Pcs();
    const auto& bf = static_cast<const zk::BasefoldPcs&>(*pcs);
    SCOPED_TRACE(vk.weights.num_vars);
    EXPECT_EQ(bf.LiftedMaskArity(vk.weights.num_vars), c.first);
    if (c.first > 0) {
      EXPECT_EQ(bf.params().lifted_mask_first, static_cast<int>(c.first));
    }
    VerifyingKey other = vk;
    other.pcs = PcsKind::kHidingBasefold;
    EXPECT_NE(vk.ModelId(), other.ModelId());
  }
}

}  // namespace
}  // namespace vinet::zkml
