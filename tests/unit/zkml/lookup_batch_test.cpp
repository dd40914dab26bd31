// A model proof's lookups are ONE LogUp batch (session 12): for an MLP with
// a ReLU layer and a plain requantizing layer (range, relu and clamp
// lookups) the proof carries one layer-1 tuple and one leaf set per lookup but
// one layer sumcheck per GKR layer of the deepest lookup, the mask bank of a
// hiding key has one slot per batch layer, and every byte of the batch inside
// the encoded proof is checked: one bit flipped at each is rejected.
#include <gtest/gtest.h>

#include "vinet/zkml/zkml.h"
#include "zkml/package.h"
#include "zkml/proof.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

TEST(ZkmlLookupBatch, AllLookupsAreOneBatchAndEveryByteOfItIsChecked) {
  auto c = Commit(testing::RandomMlp({6, 5, 3}, 31));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  runtime::Int8Tensor in = testing::RandomInput(c->vk, 2);
  auto p = Prove(*c->package, in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const ModelSpec& spec = c->vk.spec;
  detail::AdviceLayout al = detail::MakeAdviceLayout(spec);
  detail::WeightLayout wl = detail::MakeWeightLayout(spec);
  detail::ProofForm form = detail::FormOf(c->vk, al, wl);
  auto mp = detail::ModelProof::Parse(p->proof, spec, al, wl, form);
  ASSERT_TRUE(mp.ok()) << mp.status().ToString();
  std::vector<zk::LogUpStatement> sts = detail::LookupStatements(al);
  ASSERT_EQ(sts.size(), 3u);  // range, relu, clamp
  EXPECT_EQ(mp->lookups.layer1.size(), 3u);
  EXPECT_EQ(mp->lookups.leaves.size(), 3u);
  size_t depth = zk::BatchTreeVars(sts);
  EXPECT_EQ(mp->lookups.layers.size(), depth - 1);
  for (const auto& layer : mp->lookups.layers) EXPECT_EQ(layer.final_evals.size(), 12u);

  // The bank's degree-3 slots from the lookups: one per batch layer.
  std::vector<zk::MaskShape> shapes = detail::MaskShapes(spec, al, wl, form.joint);
  ASSERT_GE(shapes.size(), depth - 1);
  for (size_t k = 1; k < depth; ++k) {
    EXPECT_EQ(shapes[k - 1].num_vars, k);
    EXPECT_EQ(shapes[k - 1].degree, 3u);
  }

  // The batch sits right after the advice commitment: flip every byte of it.
  zk::ByteWriter head;
  mp->advice.Serialize(head);
  size_t from = head.bytes().size(), len = mp->lookups.ToBytes().size();
  ASSERT_EQ(Bytes(p->proof.begin() + from, p->proof.begin() + from + len), mp->lookups.ToBytes());
  for (size_t i = from; i < from + len; ++i) {
    Bytes bad = p->proof;
    bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
    Status st = Verify(c->vk, in, p->output, bad);
    EXPECT_TRUE(st.code() == Code::kParse || st.code() == Code::kVerification)
        << "byte " << i - from << " of the lookup batch: " << st.ToString();
  }
}

}  // namespace
}  // namespace vinet::zkml
