// Completeness and soundness of model proofs on random MLPs.
#include <gtest/gtest.h>

#include "vinet/zkml/zkml.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;
using testing::RandomTensor;

runtime::Int8Tensor Input(const VerifyingKey& vk, uint32_t seed, float scale = 1.0f) {
  runtime::Shape s = vk.spec.input_shape;
  auto q = QuantizeInput(vk.spec, RandomTensor(s, seed, scale));
  EXPECT_TRUE(q.ok());
  return *q;
}

struct Case {
  std::vector<int64_t> dims;
  bool relu, flatten;
};

TEST(ZkmlProve, CompleteOnRandomMlpsAndBitExactWithRuntime) {
  std::vector<Case> cases = {{{20, 16, 6}, true, false},
                             {{7, 5}, false, false},
                             {{33, 17, 9, 3}, true, true},
                             {{12, 1, 4}, false, false},
                             {{64, 32, 10}, true, false}};
  uint32_t seed = 1;
  for (const Case& c : cases) {
    runtime::QuantizedModel q = RandomMlp(c.dims, seed);
    auto committed = Commit(q);
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    for (uint32_t s : {seed, seed + 50}) {
      runtime::Int8Tensor in = Input(committed->vk, s, 2.0f);
      auto proved = Prove(*committed->package, in);
      ASSERT_TRUE(proved.ok()) << proved.status().ToString();
      runtime::Int8Tensor rin{q.tensors()[q.input()].shape, in.data};
      rin.shape[0] = 1;
      auto expect = q.Run(rin);
      ASSERT_TRUE(expect.ok());
      EXPECT_EQ(proved->output.data, expect->data);
      Status st = Verify(committed->vk, in, proved->output, proved->proof);
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    ++seed;
  }
}

TEST(ZkmlProve, LigeroKeysStillCommitProveAndVerify) {
  // Keys name their PCS: Basefold by default (version 3), Ligero keys keep
  // the version-2 encoding; a proof only verifies under the key it was made for.
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 3);
  ZkmlParams lp;
  lp.pcs = PcsKind::kLigero;
  auto lig = Commit(q, lp);
  auto bf = Commit(q);
  ASSERT_TRUE(lig.ok() && bf.ok());
  Bytes lk = lig->vk.Encode(), bk = bf->vk.Encode();
  EXPECT_EQ(lk[4], 2);
  EXPECT_EQ(bk[4], 3);
  auto parsed = VerifyingKey::Parse(lk);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->pcs, PcsKind::kLigero);
  EXPECT_EQ(VerifyingKey::Parse(bk)->pcs, PcsKind::kBasefoldFp4);
  EXPECT_EQ(bf->vk.log_inv_rate, 4);
  EXPECT_EQ(lig->vk.log_inv_rate, 2);
  EXPECT_NE(lig->vk.ModelId(), bf->vk.ModelId());
  runtime::Int8Tensor in = Input(lig->vk, 4);
  auto pl = Prove(*lig->package, in);
  auto pb = Prove(*bf->package, in);
  ASSERT_TRUE(pl.ok() && pb.ok());
  EXPECT_EQ(pl->output.data, pb->output.data);
  EXPECT_TRUE(Verify(*parsed, in, pl->output, pl->proof).ok());
  EXPECT_TRUE(Verify(bf->vk, in, pb->output, pb->proof).ok());
  EXPECT_FALSE(Verify(*parsed, in, pb->output, pb->proof).ok());
  EXPECT_FALSE(Verify(bf->vk, in, pl->output, pl->proof).ok());
  EXPECT_LT(pb->proof.size(), pl->proof.size());
  // A version-3 key naming an unknown scheme is a parse error.
  Bytes unknown = bk;
  unknown[unknown.size() - 4] = 9;
  EXPECT_EQ(VerifyingKey::Parse(unknown).status().code(), Code::kParse);
}

TEST(ZkmlProve, UniqueDecodingBasefoldKeysStillCommitProveAndVerify) {
  // Kind 2 (Basefold over Fp2, unique-decoding regime, rate 1/4) keeps its
  // scheme and parameters; its proofs and the default kind's are not interchangeable.
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 3);
  ZkmlParams up;
  up.pcs = PcsKind::kBasefold;
  auto ud = Commit(q, up);
  auto fp4 = Commit(q);
  ASSERT_TRUE(ud.ok() && fp4.ok());
  Bytes uk = ud->vk.Encode();
  EXPECT_EQ(uk[4], 3);
  EXPECT_EQ(uk[uk.size() - 4], 2);
  auto parsed = VerifyingKey::Parse(uk);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->pcs, PcsKind::kBasefold);
  EXPECT_EQ(parsed->log_inv_rate, 2);
  EXPECT_NE(ud->vk.ModelId(), fp4->vk.ModelId());
  EXPECT_NE(ud->vk.Pcs()->ParametersEncoding(), fp4->vk.Pcs()->ParametersEncoding());
  EXPECT_GE(SoundnessBits(*parsed), 100.0);
  EXPECT_GE(SoundnessBits(fp4->vk), 100.0);
  // Both kinds are priced with the Basefold cost model (fewer Fp4 queries
  // against more Fp2 ones: the same order of work, measured 2.3 vs 2.8 ms).
  EXPECT_LT(EstimateVerifyCost(fp4->vk).units(), 2 * EstimateVerifyCost(*parsed).units());
  EXPECT_GT(2 * EstimateVerifyCost(fp4->vk).units(), EstimateVerifyCost(*parsed).units());
  runtime::Int8Tensor in = Input(ud->vk, 4);
  auto pu = Prove(*ud->package, in);
  auto pf = Prove(*fp4->package, in);
  ASSERT_TRUE(pu.ok() && pf.ok());
  EXPECT_TRUE(Verify(*parsed, in, pu->output, pu->proof).ok());
  EXPECT_TRUE(Verify(fp4->vk, in, pf->output, pf->proof).ok());
  EXPECT_FALSE(Verify(*parsed, in, pf->output, pf->proof).ok());
  EXPECT_FALSE(Verify(fp4->vk, in, pu->output, pu->proof).ok());
}

// Run with the default key and a hiding one (masks on: the same rules hold).
class ZkmlVerifyParams : public ::testing::TestWithParam<ZkmlParams> {};

TEST_P(ZkmlVerifyParams, RejectsWrongOutputInputModelAndReplay) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 7);
  auto a = Commit(q, GetParam());
  auto b = Commit(RandomMlp({20, 16, 6}, 8), GetParam());
  ASSERT_TRUE(a.ok() && b.ok());
  runtime::Int8Tensor in = Input(a->vk, 1), in2 = Input(a->vk, 2);
  auto p = Prove(*a->package, in);
  auto p2 = Prove(*a->package, in2);
  ASSERT_TRUE(p.ok() && p2.ok());
  ASSERT_TRUE(Verify(a->vk, in, p->output, p->proof).ok());
  for (size_t i = 0; i < p->output.data.size(); ++i) {
    for (int d : {-1, 1}) {
      runtime::Int8Tensor out = p->output;
      if (out.data[i] + d > 127 || out.data[i] + d < -127) continue;
      out.data[i] = static_cast<int8_t>(out.data[i] + d);
      Status st = Verify(a->vk, in, out, p->proof);
      EXPECT_EQ(st.code(), Code::kVerification) << "output " << i << " " << d;
    }
  }
  runtime::Int8Tensor in_changed = in;
  in_changed.data[3] = static_cast<int8_t>(in_changed.data[3] == 5 ? 6 : 5);
  EXPECT_EQ(Verify(a->vk, in_changed, p->output, p->proof).code(), Code::kVerification);
  // A proof for another input replayed with this input (and its own output).
  EXPECT_FALSE(Verify(a->vk, in, p2->output, p2->proof).ok());
  EXPECT_FALSE(Verify(a->vk, in2, p->output, p->proof).ok());
  // Same architecture, other weights: the other model's key rejects it.
  EXPECT_EQ(Verify(b->vk, in, p->output, p->proof).code(), Code::kVerification);
  auto pb = Prove(*b->package, in);
  ASSERT_TRUE(pb.ok());
  EXPECT_FALSE(Verify(a->vk, in, pb->output, pb->proof).ok());
  EXPECT_NE(a->vk.ModelId(), b->vk.ModelId());
}

INSTANTIATE_TEST_SUITE_P(ZkmlVerify, ZkmlVerifyParams,
                         ::testing::Values(ZkmlParams{}, testing::HidingLigeroParams()),
                         [](const ::testing::TestParamInfo<ZkmlParams>& info) {
                           return std::string(info.param.hiding ? "HidingLigero" : "Default");
                         });

TEST(ZkmlVerify, RejectsShapeMismatchesAndTrailingBytes) {
  auto a = Commit(RandomMlp({10, 4}, 3, false));
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = Input(a->vk, 1);
  auto p = Prove(*a->package, in);
  ASSERT_TRUE(p.ok());
  runtime::Int8Tensor short_in = in;
  short_in.data.pop_back();
  EXPECT_EQ(Verify(a->vk, short_in, p->output, p->proof).code(), Code::kInvalidArgument);
  EXPECT_EQ(Prove(*a->package, short_in).status().code(), Code::kInvalidArgument);
  runtime::Int8Tensor long_out = p->output;
  long_out.data.push_back(0);
  EXPECT_EQ(Verify(a->vk, in, long_out, p->proof).code(), Code::kInvalidArgument);
  Bytes extra = p->proof;
  extra.push_back(0);
  EXPECT_EQ(Verify(a->vk, in, p->output, extra).code(), Code::kParse);
  Bytes cut(p->proof.begin(), p->proof.end() - 1);
  EXPECT_EQ(Verify(a->vk, in, p->output, cut).code(), Code::kParse);
  EXPECT_EQ(Verify(a->vk, in, p->output, {}).code(), Code::kParse);
}

}  // namespace
}  // namespace vinet::zkml

namespace vinet::zkml {
namespace {

// One bit flipped per position: every byte of the first 2 KB (the advice
// commitment and the first lookup proof), then a stride through the rest (the
// other lookups, block messages, batching sumchecks and both openings) so that
// about 7,000 flips run; each must be rejected.
TEST(ZkmlVerify, RejectsFlippedProofBytes) {
  auto a = Commit(testing::RandomMlp({4, 3}, 11, false));
  ASSERT_TRUE(a.ok());
  runtime::Int8Tensor in = Input(a->vk, 1);
  auto p = Prove(*a->package, in);
  ASSERT_TRUE(p.ok());
  const Bytes& proof = p->proof;
  size_t flips = testing::ExpectEveryFlipRejected(
      proof, 2048, 5000, [&](const Bytes& b) { return Verify(a->vk, in, p->output, b); });
  EXPECT_GT(flips, 5000u);
  RecordProperty("proof_bytes", static_cast<int>(proof.size()));
}

}  // namespace
}  // namespace vinet::zkml
