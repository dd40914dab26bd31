// Private weights with hiding Basefold (ZKML key kind 5, docs/zk.md "Zero
// knowledge (hiding Basefold)"): completeness and soundness bits, the key and
// package round trip (the secret seed recomputes the registered commitment),
// kind 4 and kind 5 keys of one model reject each other's proofs, flipped
// bytes, fresh masks per proof, and the distinguishing test on the PCS
// openings of two models that differ in their weights but give the same
// output on the input. The masked sumchecks run with kind 5 in
// zero_knowledge_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "unit/zk/chi_square.h"
#include "vinet/zk/pcs/basefold.h"
#include "vinet/zk/random.h"
#include "vinet/zkml/zkml.h"
#include "zkml/layout.h"
#include "zkml/proof.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;
using testing::RandomTensor;

constexpr ZkmlParams kHiding = testing::HidingParams(PcsKind::kHidingBasefold);

runtime::Int8Tensor Input(const VerifyingKey& vk, uint32_t seed) {
  auto q = QuantizeInput(vk.spec, RandomTensor(vk.spec.input_shape, seed, 2.0f));
  EXPECT_TRUE(q.ok());
  return *q;
}

TEST(ZkmlHidingBasefold, CompleteWithAtLeast100BitsAndItsOwnKeyKind) {
  runtime::QuantizedModel q = RandomMlp({12, 8, 4}, 5);
  auto c = Commit(q, kHiding);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->vk.pcs, PcsKind::kHidingBasefold);
  EXPECT_TRUE(c->vk.hiding());
  EXPECT_EQ(c->vk.log_inv_rate, 4);
  EXPECT_GE(SoundnessBits(c->vk), 100.0);
  EXPECT_TRUE(c->vk.Pcs()->hiding());
  EXPECT_EQ(c->vk.Pcs()->name(), "basefold-sha256-zk");
  runtime::Int8Tensor in = Input(c->vk, 3);
  auto p = Prove(*c->package, in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  runtime::Int8Tensor rin{q.tensors()[q.input()].shape, in.data};
  rin.shape[0] = 1;
  EXPECT_EQ(p->output.data, q.Run(rin)->data);
  Status st = Verify(c->vk, in, p->output, p->proof);
  EXPECT_TRUE(st.ok()) << st.ToString();
  // Key: version 3, kind 5; parses back to itself.
  Bytes key = c->vk.Encode();
  EXPECT_EQ(key[4], 3);
  EXPECT_EQ(key[key.size() - 4], 5);
  auto parsed = VerifyingKey::Parse(key);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Encode(), key);
  // The private-weights preset and the default pcs with hiding on select kind 5.
  EXPECT_EQ(ZkmlParams::PrivateWeights().pcs, PcsKind::kHidingBasefold);
  ZkmlParams h;
  h.hiding = true;
  auto d = Commit(q, h);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->vk.pcs, PcsKind::kHidingBasefold);
  EXPECT_NE(d->vk.weights.root, c->vk.weights.root);  // fresh masks per registration
}

TEST(ZkmlHidingBasefold, PackageSeedRecomputesTheRegisteredCommitment) {
  auto c = Commit(RandomMlp({12, 8, 4}, 6), kHiding);
  ASSERT_TRUE(c.ok());
  Bytes pkg = EncodePackage(*c->package);
  auto loaded = LoadPackage(pkg, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->vk.Encode(), c->vk.Encode());
  runtime::Int8Tensor in = Input(c->vk, 3);
  auto p = Prove(*loaded->package, in);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Verify(c->vk, in, p->output, p->proof).ok());
  Bytes bad = pkg;
  bad[8] ^= 1;  // first byte of the mask seed
  EXPECT_EQ(LoadPackage(bad, 1).status().code(), Code::kVerification);
}

TEST(ZkmlHidingBasefold, KindFourAndKindFiveRejectEachOthersProofs) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 7);
  auto hidden = Commit(q, kHiding);
  auto plain = Commit(q);
  ASSERT_TRUE(hidden.ok() && plain.ok());
  runtime::Int8Tensor in = Input(hidden->vk, 1);
  auto ph = Prove(*hidden->package, in), pp = Prove(*plain->package, in);
  ASSERT_TRUE(ph.ok() && pp.ok());
  ASSERT_TRUE(Verify(hidden->vk, in, ph->output, ph->proof).ok());
  ASSERT_TRUE(Verify(plain->vk, in, pp->output, pp->proof).ok());
  EXPECT_FALSE(Verify(plain->vk, in, ph->output, ph->proof).ok());
  EXPECT_FALSE(Verify(hidden->vk, in, pp->output, pp->proof).ok());
}

// One bit flipped per position, a stride through the whole proof (about
// 1,000 flips: advice commitment, mask bank, lookups, block messages, both
// hiding Basefold openings).
TEST(ZkmlHidingBasefold, RejectsFlippedProofBytes) {
  auto a = Commit(RandomMlp({4, 3}, 11, false), kHiding);
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = Input(a->vk, 1);
  auto p = Prove(*a->package, in);
  ASSERT_TRUE(p.ok());
  size_t flips = testing::ExpectEveryFlipRejected(
      p->proof, 0, 1000, [&](const Bytes& b) { return Verify(a->vk, in, p->output, b); });
  EXPECT_GE(flips, 1000u);
}

TEST(ZkmlHidingBasefold, TwoProofsOfTheSameStatementDiffer) {
  auto a = Commit(RandomMlp({12, 8, 4}, 9), kHiding);
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = Input(a->vk, 4);
  auto p1 = Prove(*a->package, in), p2 = Prove(*a->package, in);
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

// Every field value of a hiding Basefold opening: the mask values, the
// sumcheck, the final polynomial and every opened leaf symbol.
void AppendOpened(const zk::BasefoldPcs& pcs, const Bytes& opening, size_t num_vars,
                  std::vector<uint64_t>& out) {
  auto hp = pcs.ParseHidingProof(opening, num_vars, 1);
  ASSERT_TRUE(hp.ok()) << hp.status().ToString();
  for (const zk::Fp2& x : hp->mask_evals) out.insert(out.end(), {x.c0().value(), x.c1().value()});
  for (zk::Fp4 x : hp->inner.sumcheck) PushFp4(out, x);
  for (zk::Fp4 x : hp->inner.final_poly) PushFp4(out, x);
  for (const auto& rd : hp->inner.rounds) {
    for (zk::Fp x : rd.base_leaves) out.push_back(x.value());
    for (zk::Fp4 x : rd.ext_leaves) PushFp4(out, x);
  }
}

// The distinguishing test on the openings: 24 proofs of each model on the
// same input (masks from a fixed seed: deterministic). Every value of the
// weight and advice openings is binned, each distinct value once (the weight
// commitment is the same in every proof); the chi-square homogeneity
// statistic of model A's values against model B's stays below the 0.001
// critical value 24.32, separately for the weight and the advice openings.
TEST(ZkmlHidingBasefold, OpeningsOfTwoModelsWithTheSameOutputsAreIndistinguishable) {
  zk::ScopedSeededMasksForTesting seeded(16);
  runtime::QuantizedModel qa = RandomMlp({16, 8, 4}, 21);
  runtime::QuantizedModel qb = testing::NegateRowZero(qa);
  ASSERT_NE(qa.CanonicalEncoding(), qb.CanonicalEncoding());
  ZkmlParams params = kHiding;
  params.threads = 1;  // the seeded generator is per thread
  auto a = Commit(qa, params), b = Commit(qb, params);
  ASSERT_TRUE(a.ok() && b.ok());
  runtime::Int8Tensor in = Input(a->vk, 6);
  in.data[0] = 0;
  std::array<std::vector<uint64_t>, 2> weights, advice;
  const ModelSpec& spec = a->vk.spec;
  detail::AdviceLayout al = detail::MakeAdviceLayout(spec);
  detail::WeightLayout wl = detail::MakeWeightLayout(spec);
  std::unique_ptr<zk::MultilinearPcs> scheme = a->vk.Pcs();
  const auto& pcs = static_cast<const zk::BasefoldPcs&>(*scheme);
  std::vector<int8_t> output;
  for (int n = 0; n < 24; ++n) {
    for (size_t side = 0; side < 2; ++side) {
      const Committed& c = side == 0 ? *a : *b;
      auto p = testing::ProveSameOutput(c, in, &output);
      ASSERT_TRUE(p);
      ASSERT_TRUE(Verify(c.vk, in, p->output, p->proof).ok());
      auto mp = detail::ModelProof::Parse(p->proof, spec, al, wl, true);
      ASSERT_TRUE(mp.ok());
      AppendOpened(pcs, mp->weight_opening, wl.num_vars, weights[side]);
      AppendOpened(pcs, mp->advice_opening, al.num_vars, advice[side]);
    }
  }
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

}  // namespace
}  // namespace vinet::zkml
