// Batch proofs: one proof for k inferences of one model (docs/zkml.md
// "Batch proofs"). Completeness for k = 1, 2, 3 (padded), 4, 16 on MLPs and
// on a CNN with every layer kind, outputs equal to the runtime's; soundness:
// a wrong output in any one instance, swapped inputs or outputs, another k,
// a single proof as a batch and back and byte flips are all rejected (the
// adaptive cheater on a batch: adaptive_cheat_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "vinet/zkml/proof_check.h"
#include "vinet/zkml/zkml.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::EveryLayerKind;
using testing::RandomMlp;
using testing::RandomTensor;

std::vector<runtime::Int8Tensor> Inputs(const VerifyingKey& vk, size_t k, uint32_t seed) {
  std::vector<runtime::Int8Tensor> v;
  for (size_t n = 0; n < k; ++n) {
    auto q = QuantizeInput(vk.spec, RandomTensor(vk.spec.input_shape, seed + 7 * n, 2.0f));
    EXPECT_TRUE(q.ok());
    v.push_back(*q);
  }
  return v;
}

// Proves the batch, checks each output against the runtime and that it verifies.
BatchProved ProveAndCheck(const Committed& c, const std::vector<runtime::Int8Tensor>& in) {
  auto p = ProveBatch(*c.package, in);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  EXPECT_EQ(p->outputs.size(), in.size());
  const runtime::QuantizedModel& q = PackageModel(*c.package);
  for (size_t n = 0; n < in.size(); ++n) {
    runtime::Int8Tensor rin{q.tensors()[q.input()].shape, in[n].data};
    rin.shape[0] = 1;
    auto expect = q.Run(rin);
    EXPECT_TRUE(expect.ok());
    EXPECT_EQ(p->outputs[n].data, expect->data) << "instance " << n;
  }
  Status st = VerifyBatch(c.vk, in, p->outputs, p->proof);
  EXPECT_TRUE(st.ok()) << in.size() << ": " << st.ToString();
  EXPECT_TRUE(CheckBatchProofForm(c.vk, in.size(), p->proof).ok());
  return *p;
}

TEST(ZkmlBatch, RoundTripOnMlpForEveryBatchSize) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 11);
  auto c = Commit(q, ZkmlParams{.threads = 1});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (size_t k : {1, 2, 3, 4, 16}) ProveAndCheck(*c, Inputs(c->vk, k, 100 + k));
}

TEST(ZkmlBatch, RoundTripOnEveryCnnLayerKindAndLigero) {
  runtime::QuantizedModel q = EveryLayerKind();
  auto c = Commit(q, ZkmlParams{.threads = 1});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  BatchProved p = ProveAndCheck(*c, Inputs(c->vk, 4, 5));
  ASSERT_FALSE(p.proof.empty());
  // A flat input read by a Flatten'ed dense layer of a Ligero key.
  auto lig = Commit(RandomMlp({33, 17, 9, 3}, 4, true, true),
                    ZkmlParams{.threads = 1, .pcs = PcsKind::kLigero});
  ASSERT_TRUE(lig.ok());
  ProveAndCheck(*lig, Inputs(lig->vk, 2, 9));
}

struct Fixture {
  Committed c;
  std::vector<runtime::Int8Tensor> in;
  BatchProved p;
};

Fixture MlpBatch(size_t k) {
  Fixture f;
  auto c = Commit(RandomMlp({12, 8, 5}, 3), ZkmlParams{.threads = 1});
  EXPECT_TRUE(c.ok());
  f.c = *c;
  f.in = Inputs(f.c.vk, k, 40);
  auto p = ProveBatch(*f.c.package, f.in);
  EXPECT_TRUE(p.ok());
  f.p = *p;
  return f;
}

TEST(ZkmlBatch, WrongOutputOfAnyOneInstanceIsRejected) {
  Fixture f = MlpBatch(4);
  ASSERT_TRUE(VerifyBatch(f.c.vk, f.in, f.p.outputs, f.p.proof).ok());
  for (size_t n = 0; n < f.in.size(); ++n) {
    for (size_t e = 0; e < f.p.outputs[n].data.size(); ++e) {
      std::vector<runtime::Int8Tensor> out = f.p.outputs;
      int8_t& v = out[n].data[e];
      v = static_cast<int8_t>(v == 127 ? 126 : v + 1);
      Status st = VerifyBatch(f.c.vk, f.in, out, f.p.proof);
      EXPECT_EQ(st.code(), Code::kVerification) << n << "/" << e << ": " << st.ToString();
    }
    std::vector<runtime::Int8Tensor> in = f.in;
    in[n].data[0] = static_cast<int8_t>(in[n].data[0] == 127 ? 126 : in[n].data[0] + 1);
    EXPECT_EQ(VerifyBatch(f.c.vk, in, f.p.outputs, f.p.proof).code(), Code::kVerification);
  }
}

TEST(ZkmlBatch, SwappedInstancesOtherCountsAndOtherFormatsAreRejected) {
  Fixture f = MlpBatch(4);
  ASSERT_NE(f.p.outputs[0].data, f.p.outputs[1].data);
  std::vector<runtime::Int8Tensor> in = f.in, out = f.p.outputs;
  std::swap(in[0], in[1]);
  EXPECT_EQ(VerifyBatch(f.c.vk, in, f.p.outputs, f.p.proof).code(), Code::kVerification);
  std::swap(out[0], out[1]);
  EXPECT_EQ(VerifyBatch(f.c.vk, f.in, out, f.p.proof).code(), Code::kVerification);
  // Both swapped: a true statement, but not the one this proof is bound to.
  EXPECT_EQ(VerifyBatch(f.c.vk, in, out, f.p.proof).code(), Code::kVerification);

  // Fewer or more instances than the proof names.
  std::vector<runtime::Int8Tensor> in3(f.in.begin(), f.in.begin() + 3);
  std::vector<runtime::Int8Tensor> out3(f.p.outputs.begin(), f.p.outputs.begin() + 3);
  Status st = VerifyBatch(f.c.vk, in3, out3, f.p.proof);
  EXPECT_EQ(st.code(), Code::kParse);
  EXPECT_NE(st.message().find("batch.count at byte 8: 4 instances, the statement has 3"),
            std::string::npos)
      << st.ToString();
  // A batch of 3 is padded with its last instance: not a proof for 4 either.
  auto p3 = ProveBatch(*f.c.package, in3);
  ASSERT_TRUE(p3.ok());
  EXPECT_TRUE(VerifyBatch(f.c.vk, in3, out3, p3->proof).ok());
  std::vector<runtime::Int8Tensor> in4 = in3, out4 = out3;
  in4.push_back(in3.back());
  out4.push_back(out3.back());
  EXPECT_EQ(VerifyBatch(f.c.vk, in4, out4, p3->proof).code(), Code::kParse);
  EXPECT_EQ(VerifyBatch(f.c.vk, in3, {out3.data(), 2}, p3->proof).code(), Code::kInvalidArgument);
  EXPECT_EQ(VerifyBatch(f.c.vk, {}, {}, p3->proof).code(), Code::kInvalidArgument);
  std::vector<runtime::Int8Tensor> many(kMaxBatch + 1, f.in[0]);
  EXPECT_EQ(ProveBatch(*f.c.package, many).status().code(), Code::kInvalidArgument);

  // A batch of one is not a single proof, and a single proof is not a batch.
  auto one = ProveBatch(*f.c.package, {f.in.data(), 1});
  auto single = Prove(*f.c.package, f.in[0]);
  ASSERT_TRUE(one.ok() && single.ok());
  EXPECT_EQ(one->outputs[0].data, single->output.data);
  EXPECT_TRUE(VerifyBatch(f.c.vk, {f.in.data(), 1}, one->outputs, one->proof).ok());
  EXPECT_EQ(Verify(f.c.vk, f.in[0], single->output, one->proof).code(), Code::kParse);
  st = VerifyBatch(f.c.vk, {f.in.data(), 1}, one->outputs, single->proof);
  EXPECT_EQ(st.code(), Code::kParse);
  EXPECT_EQ(st.message(), "batch.magic at byte 0: not a batch proof");
  // The body of a batch of one is a valid single proof's layout, but its
  // transcript differs: cutting the header off does not make a single proof.
  ByteSpan body = ByteSpan(one->proof).subspan(12);
  EXPECT_EQ(Verify(f.c.vk, f.in[0], single->output, body).code(), Code::kVerification);

  // Another model's batch proof of the same shapes.
  auto other = Commit(RandomMlp({12, 8, 5}, 4), ZkmlParams{.threads = 1});
  ASSERT_TRUE(other.ok());
  auto po = ProveBatch(*other->package, f.in);
  ASSERT_TRUE(po.ok());
  EXPECT_EQ(VerifyBatch(f.c.vk, f.in, po->outputs, po->proof).code(), Code::kVerification);

  // Trailing and truncated bytes.
  Bytes longer = f.p.proof;
  longer.push_back(0);
  EXPECT_EQ(VerifyBatch(f.c.vk, f.in, f.p.outputs, longer).code(), Code::kParse);
  for (size_t cut : {size_t{3}, size_t{11}, f.p.proof.size() / 2, f.p.proof.size() - 1}) {
    ByteSpan s = ByteSpan(f.p.proof).first(cut);
    EXPECT_EQ(VerifyBatch(f.c.vk, f.in, f.p.outputs, s).code(), Code::kParse) << cut;
    EXPECT_EQ(CheckBatchProofForm(f.c.vk, 4, s).code(), Code::kParse) << cut;
  }
}

TEST(ZkmlBatch, ByteFlipsAreRejected) {
  Fixture f = MlpBatch(4);
  size_t tried = testing::ExpectEveryFlipRejected(f.p.proof, 64, 600, [&](const Bytes& b) {
    return VerifyBatch(f.c.vk, f.in, f.p.outputs, b);
  });
  EXPECT_GT(tried, 500u);
}

TEST(ZkmlBatch, SizeGrowsLogarithmicallyAndCostIsAFunctionOfTheKey) {
  Fixture f = MlpBatch(16);
  auto one = ProveBatch(*f.c.package, {f.in.data(), 1});
  ASSERT_TRUE(one.ok());
  EXPECT_LE(f.p.proof.size(), 2 * one->proof.size());
  EXPECT_GE(BatchSoundnessBits(f.c.vk, 16), kMinSecurityBits);
  // The batch's own terms are counted (more claims, longer sumchecks); the
  // bits are not monotone in k, as the advice opening's term follows the
  // Basefold shape at the advice's size.
  EXPECT_NE(BatchSoundnessBits(f.c.vk, 16), BatchSoundnessBits(f.c.vk, 1));
  EXPECT_EQ(EstimateBatchVerifyCost(f.c.vk, 1).units(), EstimateVerifyCost(f.c.vk).units());
  EXPECT_GT(EstimateBatchVerifyCost(f.c.vk, 16).units(), EstimateVerifyCost(f.c.vk).units());
  EXPECT_LT(EstimateBatchVerifyCost(f.c.vk, 16).units(), 4 * EstimateVerifyCost(f.c.vk).units());
}

}  // namespace
}  // namespace vinet::zkml
