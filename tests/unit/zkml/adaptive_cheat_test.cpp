// Adaptive cheating prover through the whole model proof: the prover holds
// the honest key (model id, weight commitment) but runs the protocol on a
// model whose weights differ in one entry of one layer. Every message is an
// honest function of the substituted weights and their witness, so the
// transcript stays consistent and the lie passes through every later
// layer's sumchecks (matmul, conv gather, pool gathers, the max-pool
// zero-check), requantization and every lookup (range limbs, ReLU and
// symmetric clamp), and through the advice opening; only the weight
// commitment's opening can catch it, and must (the error names it). The
// zk-level shapes with false sums are in tests/unit/zk/adaptive_cheat_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "vinet/zkml/zkml.h"
#include "zkml/package.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::EveryLayerKind;
using testing::WithWeightChanged;

TEST(ZkmlAdaptiveCheat, SubstitutedWeightsPassEveryLayerAndFailTheWeightOpening) {
  runtime::QuantizedModel q = EveryLayerKind();
  auto honest = Commit(q, ZkmlParams{.threads = 1});
  ASSERT_TRUE(honest.ok()) << honest.status().ToString();
  auto x = QuantizeInput(honest->vk.spec, testing::RandomTensor(honest->vk.spec.input_shape, 5));
  ASSERT_TRUE(x.ok());
  auto real = Prove(*honest->package, *x);
  ASSERT_TRUE(real.ok());
  ASSERT_TRUE(Verify(honest->vk, *x, real->output, real->proof).ok());

  // The first layer (the lie then flows through every later one) and the last.
  std::vector<size_t> weighted;
  for (size_t li = 0; li < q.layers().size(); ++li) {
    if (!q.layers()[li].weight.data.empty()) weighted.push_back(li);
  }
  ASSERT_GE(weighted.size(), 4u);
  for (size_t li : {weighted.front(), weighted[1], weighted.back()}) {
    runtime::QuantizedModel lie = WithWeightChanged(q, li, 3);
    auto other = Commit(lie, ZkmlParams{.threads = 1});
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    zk::ByteWriter a, b;
    other->vk.spec.Encode(a);
    honest->vk.spec.Encode(b);
    ASSERT_EQ(a.bytes(), b.bytes()) << "same circuit, other weights";
    ASSERT_NE(other->vk.weights.root, honest->vk.weights.root);

    // The cheater: substituted model, weights and witness; honest key and
    // the honest commitment's prover data (its openings are of W).
    SCOPED_TRACE("layer " + std::to_string(li));
    auto p = testing::ExpectCheatCaughtAt(*honest, *other, *x, "weight opening: ");
    ASSERT_TRUE(p);
    // Under the substituted model's own key the same flow is an honest proof.
    auto own = Prove(*other->package, *x);
    ASSERT_TRUE(own.ok());
    EXPECT_EQ(own->output.data, p->output.data);
    EXPECT_TRUE(Verify(other->vk, *x, own->output, own->proof).ok());
  }
}

TEST(ZkmlAdaptiveCheat, SubstitutedWeightsInABatchFailTheWeightOpening) {
  // The same cheater proving a batch of 4: every batched layer argument runs
  // honestly on the substituted weights; only the weight opening catches it.
  runtime::QuantizedModel q = EveryLayerKind();
  auto honest = Commit(q, ZkmlParams{.threads = 1});
  ASSERT_TRUE(honest.ok()) << honest.status().ToString();
  std::vector<runtime::Int8Tensor> in;
  for (uint32_t s = 0; s < 4; ++s) {
    auto x =
        QuantizeInput(honest->vk.spec, testing::RandomTensor(honest->vk.spec.input_shape, 30 + s));
    ASSERT_TRUE(x.ok());
    in.push_back(*x);
  }
  size_t last = 0;
  for (size_t li = 0; li < q.layers().size(); ++li) {
    if (!q.layers()[li].weight.data.empty()) last = li;
  }
  auto other = Commit(WithWeightChanged(q, last, 3), ZkmlParams{.threads = 1});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ProverPackage cheat = *other->package;
  cheat.vk = honest->vk;
  cheat.committed = honest->package->committed;
  auto p = ProveBatch(cheat, in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Status st = VerifyBatch(honest->vk, in, p->outputs, p->proof);
  EXPECT_EQ(st.code(), Code::kVerification) << st.ToString();
  EXPECT_EQ(st.message().rfind("weight opening: ", 0), 0u) << st.message();
  auto own = ProveBatch(*other->package, in);
  ASSERT_TRUE(own.ok());
  EXPECT_TRUE(VerifyBatch(other->vk, in, own->outputs, own->proof).ok());
}

}  // namespace
}  // namespace vinet::zkml
