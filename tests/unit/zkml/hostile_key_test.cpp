// Hostile registrants: keys below the soundness floor and pooling windows
// that lie entirely in the padding are refused (docs/zkml.md, "Hostile keys").
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "vinet/zkml/zkml.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::CnnBuilder;
using testing::RandomMlp;

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

TEST(ZkmlSecurityFloor, DefaultKeysPassAndWeakKeysAreRefusedEverywhere) {
  auto c = Commit(RandomMlp({12, 8, 3}, 4));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GE(SoundnessBits(c->vk), kMinSecurityBits);
  EXPECT_TRUE(CheckSecurityFloor(c->vk).ok());
  ASSERT_TRUE(VerifyingKey::Parse(c->vk.Encode()).ok());

  // 79 query bits (the review's key) and 99 (inside the key field's range:
  // the floor is computed over every term, so even 100 would fall short).
  for (int bits : {79, 80, 99, 100}) {
    ZkmlParams weak;
    weak.security_bits = bits;
    auto refused = Commit(RandomMlp({12, 8, 3}, 4), weak);
    ASSERT_FALSE(refused.ok()) << bits;
    EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
    if (bits < 80) {
      EXPECT_TRUE(Contains(refused.status().message(), "80..256")) << refused.status().message();
      continue;
    }
    EXPECT_TRUE(Contains(refused.status().message(), "below the 100-bit floor"))
        << refused.status().message();

    // An explicit experiment commits and proves; nothing verifies it.
    weak.insecure_experiment = true;
    auto exp = Commit(RandomMlp({12, 8, 3}, 4), weak);
    ASSERT_TRUE(exp.ok()) << exp.status().ToString();
    EXPECT_LT(SoundnessBits(exp->vk), kMinSecurityBits);
    Bytes key = exp->vk.Encode();
    auto parsed = VerifyingKey::Parse(key);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), Code::kParse);
    EXPECT_TRUE(Contains(parsed.status().message(), "vk.security_bits at byte"))
        << parsed.status().message();
    EXPECT_TRUE(Contains(parsed.status().message(), fmt::format("security {} ", bits)))
        << parsed.status().message();
    EXPECT_TRUE(VerifyingKey::Parse(key, KeyPolicy::kAllowBelowFloor).ok());

    auto x = QuantizeInput(exp->vk.spec, testing::RandomTensor(exp->vk.spec.input_shape, 1));
    ASSERT_TRUE(x.ok());
    auto p = Prove(*exp->package, *x);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    Status st = Verify(exp->vk, *x, p->output, p->proof);
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    EXPECT_TRUE(Contains(st.message(), "below the 100-bit floor")) << st.message();
    // The same proof under the key with the default parameters is a
    // different model id: rejected as a proof, not accepted.
    VerifyingKey strong = exp->vk;
    strong.security_bits = ZkmlParams{}.security_bits;
    EXPECT_FALSE(Verify(strong, *x, p->output, p->proof).ok());

    // The package of an experiment still loads (to prove with).
    auto loaded = LoadPackage(EncodePackage(*exp->package), 1);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->vk.Encode(), key);
  }
}

TEST(ZkmlSecurityFloor, LowerRateNeedsMoreQueriesNotAWeakerKey) {
  // Rate 1/2 with the default query bits still clears the floor (t grows);
  // the floor judges the whole bound, whatever the parameters.
  for (int rate : {1, 3, 4}) {
    ZkmlParams p;
    p.log_inv_rate = rate;
    auto c = Commit(RandomMlp({6, 4}, 2), p);
    ASSERT_TRUE(c.ok()) << rate << ": " << c.status().ToString();
    EXPECT_EQ(CheckSecurityFloor(c->vk).ok(), SoundnessBits(c->vk) >= kMinSecurityBits);
    EXPECT_EQ(VerifyingKey::Parse(c->vk.Encode()).ok(), SoundnessBits(c->vk) >= kMinSecurityBits);
  }
}

// Through the runtime such a window cannot be built (pads must be smaller
// than the kernel extent, and a dilated window over padding only calibrates
// to −inf), so only a hand-made key carries one: Validate (run by Parse and
// by Commit) refuses it. The key's max-pool made to start its windows two rows/columns into
// the padding: the first output's window holds no input element.
TEST(ZkmlPaddingWindows, ValidateRefusesAPoolWindowEntirelyInPadding) {
  auto q = CnnBuilder(1, 8, 8, 3).Conv(2, 3, 1, 1).Pool("MaxPool", 2, 2).Dense(3).Build();
  auto c = Commit(q);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (BlockKind kind : {BlockKind::kMaxPool, BlockKind::kAvgPool}) {
    VerifyingKey k = c->vk;
    size_t pool = 0;
    while (k.spec.blocks[pool].kind != BlockKind::kMaxPool) ++pool;
    LinearBlock& b = k.spec.blocks[pool];
    if (kind == BlockKind::kAvgPool) {
      b.kind = BlockKind::kAvgPool;
      b.multiplier = 1;
      b.shift = 8;
    }
    ASSERT_TRUE(k.spec.Validate().ok());  // the unchanged window is fine
    b.win.pt = 2;                         // output row 0 reads input rows -2, -1
    Status st = k.spec.Validate();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), Code::kParse);
    EXPECT_EQ(st.message(),
              fmt::format("block {}: window: pooling window 2x2 at output (oh 0, ow 0) lies "
                          "entirely in the padding",
                          pool));
    b.win.pt = 0;
    b.win.pl = 3;  // column 0 reads -3, -2; column 1 reads -1, 0 (touches)
    st = k.spec.Validate();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(Contains(st.message(), "at output (oh 0, ow 0) lies entirely")) << st.message();
    b.win.pl = 1;  // column 0 reads -1, 0: touches the input
    EXPECT_TRUE(k.spec.Validate().ok());
    // Parse reports it through the key's spec.
    b.win.pt = 2;
    auto parsed = VerifyingKey::Parse(k.Encode());
    ASSERT_FALSE(parsed.ok());
    EXPECT_TRUE(Contains(parsed.status().message(), "lies entirely in the padding"))
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace vinet::zkml
