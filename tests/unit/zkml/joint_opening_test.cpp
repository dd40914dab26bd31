// The joint form of a model proof (src/zkml/proof.h, docs/zkml.md): when the
// advice has no more variables than the weights, Basefold-over-Fp4 keys
// (kinds 4-7) prove every weight and advice claim with ONE batch sumcheck and
// ONE joint opening (the advice rides in the weights' folding). For each
// kind: honest proofs verify and the form is joint; every value of the joint
// batch, a spread of flipped bytes and a swapped advice commitment are
// rejected; substituted weights pass every layer and fail the joint opening;
// hiding proofs are fresh.
#include <gtest/gtest.h>

#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"
#include "zkml/package.h"
#include "zkml/proof.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;

// Weight-heavy enough that the weights have at least the advice's variables.
runtime::QuantizedModel JointModel(uint32_t seed) {
  return RandomMlp({256, 128, 10}, seed);
}

ZkmlParams ParamsOf(PcsKind kind) {
  ZkmlParams p{.threads = 2};
  p.pcs = kind;
  p.hiding = kind == PcsKind::kHidingBasefold || kind == PcsKind::kHidingBasefoldConjectured;
  return p;
}

class ZkmlJoint : public ::testing::TestWithParam<PcsKind> {};

TEST_P(ZkmlJoint, HonestProofsAreJointAndEveryChangeIsRejected) {
  auto c = Commit(JointModel(3), ParamsOf(GetParam()));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  detail::AdviceLayout al = detail::MakeAdviceLayout(c->vk.spec);
  detail::WeightLayout wl = detail::MakeWeightLayout(c->vk.spec);
  ASSERT_LE(al.num_vars, wl.num_vars);
  detail::ProofForm form = detail::FormOf(c->vk, al, wl);
  ASSERT_TRUE(form.joint);
  runtime::Int8Tensor in = testing::RandomInput(c->vk, 4);
  auto p = Prove(*c->package, in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(Verify(c->vk, in, p->output, p->proof).ok());
  auto mp = detail::ModelProof::Parse(p->proof, c->vk.spec, al, wl, form);
  ASSERT_TRUE(mp.ok()) << mp.status().ToString();
  EXPECT_TRUE(mp->joint);
  EXPECT_TRUE(mp->weight_opening.empty());
  EXPECT_EQ(mp->bank_in_joint, form.masked);
  // Zero knowledge: the bank rides in the joint batch (joint_bank_batch.h).
  auto batch = [&](detail::ModelProof& m) -> zk::SumcheckProof& {
    return m.bank_in_joint ? m.joint_bank.sumcheck : m.advice_batch.sumcheck;
  };
  EXPECT_EQ(batch(*mp).rounds.size(), wl.num_vars);
  EXPECT_EQ(mp->advice.num_polys, detail::AdvicePolys(c->vk.spec, al, wl, form));
  EXPECT_EQ(mp->advice.num_polys > 1, form.masked);
  // The same bytes are not a proof of the separate form.
  detail::ProofForm separate = form;
  separate.joint = false;
  separate.bank_in_joint = false;
  EXPECT_FALSE(detail::ModelProof::Parse(p->proof, c->vk.spec, al, wl, separate).ok());

  auto rejects = [&](const detail::ModelProof& bad, const std::string& what) {
    Status st = Verify(c->vk, in, p->output, bad.Encode());
    EXPECT_EQ(st.code(), Code::kVerification) << what << ": " << st.ToString();
  };
  // W(r), E_W(r), A(r_high), E_A(r); with the bank: W(r), A(r_high), then
  // the bank's polynomials at r_high (the joint opening checks those).
  for (size_t k = 0; k < batch(*mp).final_evals.size(); ++k) {
    detail::ModelProof bad = *mp;
    batch(bad).final_evals[k] += zk::Fp2::One();
    rejects(bad, "joint batch final value " + std::to_string(k));
  }
  detail::ModelProof bad = *mp;
  batch(bad).rounds[wl.num_vars / 2].coeffs[2] += zk::Fp2::One();
  rejects(bad, "joint batch round");
  if (mp->bank_in_joint) {
    bad = *mp;
    bad.joint_bank.r1_sum += zk::Fp2::One();
    rejects(bad, "G1");
    bad = *mp;
    bad.joint_bank.r2_sum += zk::Fp2::One();
    rejects(bad, "G2");
  }
  bad = *mp;
  bad.advice.root[5] ^= 1;
  rejects(bad, "advice commitment");
  size_t flips = testing::ExpectEveryFlipRejected(
      p->proof, 0, 400, [&](const Bytes& b) { return Verify(c->vk, in, p->output, b); });
  EXPECT_GE(flips, 400u);
}

TEST_P(ZkmlJoint, SubstitutedWeightsFailTheJointOpening) {
  runtime::QuantizedModel q = JointModel(5);
  auto honest = Commit(q, ParamsOf(GetParam()));
  ASSERT_TRUE(honest.ok()) << honest.status().ToString();
  // One weight of the first layer moved by one: same circuit, other commitment.
  auto other = Commit(testing::WithWeightChanged(q, 0, 3), ParamsOf(GetParam()));
  ASSERT_TRUE(other.ok());
  ASSERT_NE(other->vk.weights.root, honest->vk.weights.root);
  runtime::Int8Tensor in = testing::RandomInput(honest->vk, 7);
  EXPECT_TRUE(testing::ExpectCheatCaughtAt(*honest, *other, in, "joint opening: "));
}

TEST(ZkmlJointHiding, ProofsAreFresh) {
  for (PcsKind kind : {PcsKind::kHidingBasefold, PcsKind::kHidingBasefoldConjectured}) {
    auto c = Commit(JointModel(8), ParamsOf(kind));
    ASSERT_TRUE(c.ok());
    runtime::Int8Tensor in = testing::RandomInput(c->vk, 9);
    auto a = Prove(*c->package, in), b = Prove(*c->package, in);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->output.data, b->output.data);
    EXPECT_NE(a->proof, b->proof) << static_cast<int>(kind);
    EXPECT_TRUE(Verify(c->vk, in, a->output, a->proof).ok());
    EXPECT_TRUE(Verify(c->vk, in, b->output, b->proof).ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, ZkmlJoint,
                         ::testing::Values(PcsKind::kBasefoldFp4, PcsKind::kHidingBasefold,
                                           PcsKind::kBasefoldFp4Conjectured,
                                           PcsKind::kHidingBasefoldConjectured),
                         [](const auto& info) {
                           return std::to_string(static_cast<int>(info.param));
                         });

}  // namespace
}  // namespace vinet::zkml
