// Private weights with hiding Basefold (ZKML key kind 5, docs/zk.md "Zero
// knowledge (hiding Basefold)"): completeness and soundness bits, and that
// kind 4 and kind 5 keys of one model reject each other's proofs. The package
// round trip, flipped bytes, fresh masks per proof and the distinguishing test
// on the openings run for kind 5 in private_weights_test.cpp; the masked sumchecks in
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
  runtime::Int8Tensor in = testing::RandomInput(c->vk, 3);
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

TEST(ZkmlHidingBasefold, KindFourAndKindFiveRejectEachOthersProofs) {
  runtime::QuantizedModel q = RandomMlp({20, 16, 6}, 7);
  auto hidden = Commit(q, kHiding);
  auto plain = Commit(q);
  ASSERT_TRUE(hidden.ok() && plain.ok());
  runtime::Int8Tensor in = testing::RandomInput(hidden->vk, 1);
  auto ph = Prove(*hidden->package, in), pp = Prove(*plain->package, in);
  ASSERT_TRUE(ph.ok() && pp.ok());
  ASSERT_TRUE(Verify(hidden->vk, in, ph->output, ph->proof).ok());
  ASSERT_TRUE(Verify(plain->vk, in, pp->output, pp->proof).ok());
  EXPECT_FALSE(Verify(plain->vk, in, ph->output, ph->proof).ok());
  EXPECT_FALSE(Verify(hidden->vk, in, pp->output, pp->proof).ok());
}

}  // namespace
}  // namespace vinet::zkml
