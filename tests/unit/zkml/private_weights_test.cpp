// Private weights (ZkmlParams::hiding): hiding weight and advice commitments.
// Completeness, soundness with hiding on (wrong outputs, inputs, other models,
// flipped bytes), key and package round trips, fresh masks per proof, and the
// distinguishing test on the PCS openings of two models that differ in their
// weights but give the same output on the input (docs/zk.md "Zero knowledge").
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "unit/zk/chi_square.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/pcs/ligero.h"
#include "vinet/zk/random.h"
#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"
#include "zkml/proof.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;
using testing::RandomTensor;

constexpr ZkmlParams kHiding = testing::HidingLigeroParams();

// Plain Ligero: the same scheme without the masks.
ZkmlParams PlainLigero() {
  ZkmlParams p;
  p.pcs = PcsKind::kLigero;
  return p;
}

TEST(ZkmlPrivateWeights, CompleteAndBitExactWithTheRuntime) {
  for (uint32_t seed : {1u, 2u}) {  // rate 1/4, then rate 1/8 (PrivateWeightsLigero)
    runtime::QuantizedModel q = RandomMlp({20, 16, 6}, seed);
    auto c = Commit(q, seed == 1 ? kHiding : ZkmlParams::PrivateWeightsLigero());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(c->vk.hiding());
    EXPECT_EQ(c->vk.pcs, PcsKind::kHidingLigero);
    runtime::Int8Tensor in = testing::RandomInput(c->vk, seed);
    auto p = Prove(*c->package, in);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    runtime::Int8Tensor rin{q.tensors()[q.input()].shape, in.data};
    rin.shape[0] = 1;
    EXPECT_EQ(p->output.data, q.Run(rin)->data);
    Status st = Verify(c->vk, in, p->output, p->proof);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_GE(SoundnessBits(c->vk), 100.0);
  }
}

TEST(ZkmlPrivateWeights, KeyAndPackageRoundTrip) {
  runtime::QuantizedModel q = RandomMlp({12, 8, 4}, 5);
  auto c = Commit(q, kHiding);
  auto plain = Commit(q, PlainLigero());
  auto basefold = Commit(q);
  ASSERT_TRUE(c.ok() && plain.ok() && basefold.ok());
  // The same weights committed twice give unrelated roots (fresh masks), and
  // the hiding key (version 3, PCS kind 3) names another PCS: other model ids.
  auto c2 = Commit(q, kHiding);
  ASSERT_TRUE(c2.ok());
  EXPECT_NE(c->vk.weights.root, c2->vk.weights.root);
  EXPECT_NE(c->vk.ModelId(), c2->vk.ModelId());
  EXPECT_NE(c->vk.ModelId(), plain->vk.ModelId());
  Bytes key = c->vk.Encode();
  EXPECT_EQ(key[4], 3);
  EXPECT_EQ(plain->vk.Encode()[4], 2);  // plain Ligero: legacy version 2, no kind
  Bytes bf = basefold->vk.Encode();
  EXPECT_EQ(bf[4], 3);  // Basefold over Fp4 (the default): version 3, kind 4
  EXPECT_EQ(bf[bf.size() - 4], 4);
  EXPECT_EQ(key[key.size() - 4], 3);  // hiding Ligero: version 3, kind 3
  // Every kind maps to its own scheme.
  EXPECT_TRUE(c->vk.Pcs()->hiding());
  EXPECT_FALSE(plain->vk.Pcs()->hiding());
  EXPECT_EQ(plain->vk.Pcs()->name(), "ligero-sha256-rs4");
  EXPECT_EQ(c->vk.Pcs()->name(), "ligero-sha256-rs4-zk");
  EXPECT_NE(basefold->vk.Pcs()->name(), plain->vk.Pcs()->name());
  EXPECT_FALSE(basefold->vk.Pcs()->hiding());
  // Hiding with Basefold over Fp4 (the default) is kind 5; over Fp2 there is none.
  ZkmlParams bf_hiding;
  bf_hiding.hiding = true;
  bf_hiding.pcs = PcsKind::kBasefold;
  EXPECT_EQ(Commit(q, bf_hiding).status().code(), Code::kInvalidArgument);
  auto parsed = VerifyingKey::Parse(key);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->hiding());
  EXPECT_EQ(parsed->Encode(), key);
  // Version 3 ends with the PCS kind: 3 = hiding Ligero; an unknown kind is refused by name.
  Bytes other = key;
  other[other.size() - 4] = 8;  // kinds 1..7 exist
  auto bad_kind = VerifyingKey::Parse(other);
  EXPECT_EQ(bad_kind.status().code(), Code::kParse);
  EXPECT_NE(bad_kind.status().message().find("vk.pcs_kind"), std::string::npos);
  // Kind 1 (plain Ligero) is only ever version 2: one encoding per key.
  other[other.size() - 4] = 1;
  auto v3_ligero = VerifyingKey::Parse(other);
  EXPECT_EQ(v3_ligero.status().code(), Code::kParse);
  EXPECT_NE(v3_ligero.status().message().find("vk.pcs_kind"), std::string::npos);
  EXPECT_EQ(VerifyingKey::Parse(Bytes(key.begin(), key.end() - 4)).status().code(), Code::kParse);
}

// The output, input, replay and other-model checks run with hiding on in
// prove_verify_test (ZkmlVerify.RejectsWrongOutputInputModelAndReplay).
TEST(ZkmlPrivateWeights, HidingProofIsRejectedByThePlainKeyOfTheSameModel) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 7);
  auto a = Commit(q, kHiding);
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = testing::RandomInput(a->vk, 1);
  auto p = Prove(*a->package, in);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(Verify(a->vk, in, p->output, p->proof).ok());
  auto plain = Commit(q, PlainLigero());
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(Verify(plain->vk, in, p->output, p->proof).ok());
}

// The tests below run for both hiding schemes: hiding Ligero (kind 3) and
// hiding Basefold (kind 5, docs/zk.md "Zero knowledge (hiding Basefold)").
ZkmlParams HidingFor(PcsKind kind) {
  return kind == PcsKind::kHidingBasefold ? testing::HidingParams(PcsKind::kHidingBasefold)
                                          : kHiding;
}

class ZkmlPrivateWeightsByPcs : public ::testing::TestWithParam<PcsKind> {};

// One bit flipped per position, a stride through the whole proof (about 1,000
// flips: advice commitment, mask bank, lookups, block messages, both hiding
// openings).
TEST_P(ZkmlPrivateWeightsByPcs, RejectsFlippedProofBytes) {
  auto a = Commit(RandomMlp({4, 3}, 11, false), HidingFor(GetParam()));
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = testing::RandomInput(a->vk, 1);
  auto p = Prove(*a->package, in);
  ASSERT_TRUE(p.ok());
  size_t flips = testing::ExpectEveryFlipRejected(
      p->proof, 0, 1000, [&](const Bytes& b) { return Verify(a->vk, in, p->output, b); });
  EXPECT_GE(flips, 1000u);
}

// The package keeps the secret mask seed: loading recomputes the registered
// commitment, its proofs verify under the original key, and another seed does
// not reproduce the key.
TEST_P(ZkmlPrivateWeightsByPcs, PackageSeedRecomputesTheRegisteredCommitment) {
  auto c = Commit(RandomMlp({12, 8, 4}, 6), HidingFor(GetParam()));
  ASSERT_TRUE(c.ok());
  Bytes pkg = EncodePackage(*c->package);
  auto loaded = LoadPackage(pkg, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->vk.Encode(), c->vk.Encode());
  runtime::Int8Tensor in = testing::RandomInput(c->vk, 3);
  auto p = Prove(*loaded->package, in);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Verify(c->vk, in, p->output, p->proof).ok());
  Bytes bad = pkg;
  bad[8] ^= 1;  // first byte of the mask seed
  EXPECT_EQ(LoadPackage(bad, 1).status().code(), Code::kVerification);
}

TEST_P(ZkmlPrivateWeightsByPcs, TwoProofsOfTheSameStatementDiffer) {
  auto a = Commit(RandomMlp({12, 8, 4}, 9), HidingFor(GetParam()));
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = testing::RandomInput(a->vk, 4);
  auto p1 = Prove(*a->package, in);
  auto p2 = Prove(*a->package, in);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_EQ(p1->output.data, p2->output.data);
  EXPECT_NE(p1->proof, p2->proof);
  EXPECT_TRUE(Verify(a->vk, in, p1->output, p1->proof).ok());
  EXPECT_TRUE(Verify(a->vk, in, p2->output, p2->proof).ok());
}

void PushFp4(std::vector<uint64_t>& v, zk::Fp4 x) {
  v.insert(v.end(),
           {x.c0().c0().value(), x.c0().c1().value(), x.c1().c0().value(), x.c1().c1().value()});
}

// Every field value of one opening: for hiding Ligero u_prox, u_eval,
// blind_eval and the opened columns with their salts; for hiding Basefold the
// mask values, the sumcheck, the final polynomial and every opened leaf symbol.
void AppendOpened(const zk::MultilinearPcs& scheme, PcsKind kind, const Bytes& opening,
                  size_t num_vars, std::vector<uint64_t>& out) {
  if (kind == PcsKind::kHidingBasefold) {
    auto hp = static_cast<const zk::BasefoldPcs&>(scheme).ParseHidingProof(opening, num_vars, 1);
    ASSERT_TRUE(hp.ok()) << hp.status().ToString();
    for (const zk::Fp2& x : hp->mask_evals) out.insert(out.end(), {x.c0().value(), x.c1().value()});
    for (zk::Fp4 x : hp->inner.sumcheck) PushFp4(out, x);
    for (zk::Fp4 x : hp->inner.final_poly) PushFp4(out, x);
    for (const auto& rd : hp->inner.rounds) {
      for (zk::Fp x : rd.base_leaves) out.push_back(x.value());
      for (zk::Fp4 x : rd.ext_leaves) PushFp4(out, x);
    }
    return;
  }
  const auto& pcs = static_cast<const zk::LigeroPcs&>(scheme);
  auto lp = zk::LigeroProof::Parse(opening, pcs.Geometry(num_vars, 1));
  ASSERT_TRUE(lp.ok()) << lp.status().ToString();
  for (const auto* u : {&lp->u_prox, &lp->u_eval})
    for (const zk::Fp2& x : *u) out.insert(out.end(), {x.c0().value(), x.c1().value()});
  out.insert(out.end(), {lp->blind_eval->c0().value(), lp->blind_eval->c1().value()});
  for (const auto& col : lp->columns)
    for (zk::Fp x : col) out.push_back(x.value());
}

// The distinguishing test: 32 (Ligero) or 24 (Basefold) proofs of each model
// on the same input (masks from a fixed seed: deterministic). Every value of
// the weight and advice openings is binned (each distinct value once); the
// chi-square homogeneity statistic of model A's values against model B's must
// stay below the 0.001 critical value 24.32, separately for the weight
// openings and the advice openings. (The PCS-level tests in
// tests/unit/zk/hiding_test.cpp and basefold_hiding_test.cpp add a candidate
// classifier with a non-hiding control.)
TEST_P(ZkmlPrivateWeightsByPcs, OpeningsOfTwoModelsWithTheSameOutputsAreIndistinguishable) {
  zk::ScopedSeededMasksForTesting seeded(16);
  runtime::QuantizedModel qa = RandomMlp({16, 8, 4}, 21);
  runtime::QuantizedModel qb = testing::NegateRowZero(qa);
  ASSERT_NE(qa.CanonicalEncoding(), qb.CanonicalEncoding());
  ZkmlParams params = HidingFor(GetParam());
  params.threads = 1;  // the seeded generator is per thread: commit on this one
  auto a = Commit(qa, params), b = Commit(qb, params);
  ASSERT_TRUE(a.ok() && b.ok());
  runtime::Int8Tensor in = testing::RandomInput(a->vk, 6);
  in.data[0] = 0;
  std::array<std::vector<uint64_t>, 2> weights, advice;
  const ModelSpec& spec = a->vk.spec;
  detail::AdviceLayout al = detail::MakeAdviceLayout(spec);
  detail::WeightLayout wl = detail::MakeWeightLayout(spec);
  std::unique_ptr<zk::MultilinearPcs> scheme = a->vk.Pcs();
  std::vector<int8_t> output;
  const int proofs = GetParam() == PcsKind::kHidingBasefold ? 24 : 32;
  for (int n = 0; n < proofs; ++n) {
    for (size_t side = 0; side < 2; ++side) {
      const Committed& c = side == 0 ? *a : *b;
      auto p = testing::ProveSameOutput(c, in, &output);
      ASSERT_TRUE(p);
      ASSERT_TRUE(Verify(c.vk, in, p->output, p->proof).ok());
      auto mp = detail::ModelProof::Parse(p->proof, spec, al, wl, detail::FormOf(c.vk, al, wl));
      ASSERT_TRUE(mp.ok());
      AppendOpened(*scheme, GetParam(), mp->weight_opening, wl.num_vars, weights[side]);
      AppendOpened(*scheme, GetParam(), mp->advice_opening, al.num_vars, advice[side]);
    }
  }
  // The registered weight commitment is the same in every proof, so a column
  // opened by two proofs shows the same values twice: count each distinct
  // value once (independent samples, as the chi-square test assumes).
  for (auto* v : {&weights[0], &weights[1], &advice[0], &advice[1]}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  double chi_w = zk::testing::ChiSquareHomogeneity(weights[0], weights[1]);
  double chi_a = zk::testing::ChiSquareHomogeneity(advice[0], advice[1]);
  EXPECT_LT(chi_w, zk::testing::kChiSquare7Dof001) << weights[0].size() << " values per model";
  EXPECT_LT(chi_a, zk::testing::kChiSquare7Dof001) << advice[0].size() << " values per model";
  RecordProperty("chi_square_weights", std::to_string(chi_w));
  RecordProperty("chi_square_advice", std::to_string(chi_a));
}

INSTANTIATE_TEST_SUITE_P(HidingSchemes, ZkmlPrivateWeightsByPcs,
                         ::testing::Values(PcsKind::kHidingLigero, PcsKind::kHidingBasefold),
                         [](const auto& info) {
                           return info.param == PcsKind::kHidingBasefold ? "HidingBasefold"
                                                                         : "HidingLigero";
                         });

}  // namespace
}  // namespace vinet::zkml
