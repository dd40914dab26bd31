// Weight-range proof: honest commits prove their int8 weights and int32
// biases; a modified committer's entry outside the guarantee (weights
// [−127, 127], biases int32 ± 127) is refused with its best forged proof,
// at the boundaries exactly; malformed and foreign proofs are refused.
#include <gtest/gtest.h>

#include "vinet/zkml/weight_range.h"
#include "zkml/package.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::CnnBuilder;
using testing::RandomMlp;
using zk::Fp;

TEST(ZkmlWeightRange, HonestCommitsProveTheirRange) {
  // Every PCS kind, through the key's own scheme (vk.Pcs()).
  for (PcsKind kind : {PcsKind::kBasefoldFp4, PcsKind::kBasefold, PcsKind::kLigero,
                       PcsKind::kHidingLigero, PcsKind::kHidingBasefold}) {
    for (const auto& q : {RandomMlp({12, 8, 3}, 4), CnnBuilder(1, 6, 6, 2)
                                                        .Conv(2, 3, 1, 1, 1, true)
                                                        .Pool("MaxPool", 2, 2)
                                                        .Dense(3)
                                                        .Build()}) {
      ZkmlParams params;
      params.pcs = kind;
      auto c = Commit(q, params);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      auto proof = ProveWeightRange(*c->package);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      Status st = VerifyWeightRange(c->vk, *proof);
      EXPECT_TRUE(st.ok()) << st.ToString();
      EXPECT_GE(WeightRangeSoundnessBits(c->vk), kMinSecurityBits);
      EXPECT_GT(EstimateWeightRangeCost(c->vk).units(), 0u);
    }
  }
}

TEST(ZkmlWeightRange, ProofUnderTheOtherSchemesKeyIsRefused) {
  auto q = RandomMlp({12, 8, 3}, 4);
  ZkmlParams lp;
  lp.pcs = PcsKind::kLigero;
  auto ligero = Commit(q, lp);
  auto basefold = Commit(q);
  ASSERT_TRUE(ligero.ok() && basefold.ok());
  auto lproof = ProveWeightRange(*ligero->package);
  auto bproof = ProveWeightRange(*basefold->package);
  ASSERT_TRUE(lproof.ok() && bproof.ok());
  EXPECT_FALSE(VerifyWeightRange(basefold->vk, *lproof).ok());
  EXPECT_FALSE(VerifyWeightRange(ligero->vk, *bproof).ok());
}

TEST(ZkmlWeightRange, OutOfRangeWeightsAndBiasesAreRefused) {
  auto c = Commit(RandomMlp({12, 8, 3}, 7));
  ASSERT_TRUE(c.ok());
  const ProverPackage& pkg = *c->package;
  detail::WeightLayout wl = detail::MakeWeightLayout(pkg.vk.spec);
  size_t weight = wl.w[1][0].offset + 1, bias = wl.bias[0].offset + 2;
  size_t padding = (size_t{1} << wl.num_vars) - 1;  // the last entry: no segment's
  struct Case {
    size_t at;
    int64_t value;
    bool in_range;
  };
  int64_t i32_min = -(int64_t{1} << 31), i32_max = (int64_t{1} << 31) - 1;
  // Weights exactly [−127, 127]; biases int32 up to the documented slack of
  // 127 (a forging prover decomposes the closest int32 and leaves the rest
  // in W − B), i.e. [−2^31 − 127, 2^31 + 126].
  for (Case k : {Case{weight, 127, true}, Case{weight, -127, true}, Case{weight, 128, false},
                 Case{weight, -128, false}, Case{weight, 1 << 20, false}, Case{padding, 1, true},
                 Case{padding, 200, false}, Case{bias, i32_max, true}, Case{bias, i32_min, true},
                 Case{bias, i32_max + 127, true}, Case{bias, i32_min - 127, true},
                 Case{bias, i32_max + 128, false}, Case{bias, i32_min - 128, false},
                 Case{bias, int64_t{1} << 40, false}}) {
    std::vector<Fp> w = pkg.weights;
    w[k.at] = Fp::FromSigned(k.value);
    bool int32 = k.value >= i32_min && k.value <= i32_max;
    bool honest_ok = k.at == bias ? int32 : k.in_range;
    std::unique_ptr<zk::MultilinearPcs> pcs = pkg.vk.Pcs(1);
    auto com = pcs->Commit({w});
    ASSERT_TRUE(com.ok());
    VerifyingKey vk = pkg.vk;
    vk.weights = com->commitment;
    // The honest prover names anything outside [−127, 127] / int32.
    auto named = detail::ProveWeightRangeOf(vk, w, *com, 1, true);
    EXPECT_EQ(named.ok(), honest_ok) << k.value << ": " << named.status().ToString();
    auto forged = detail::ProveWeightRangeOf(vk, w, *com, 1, false);
    ASSERT_TRUE(forged.ok()) << forged.status().ToString();
    Status st = VerifyWeightRange(vk, *forged);
    if (k.in_range) {
      EXPECT_TRUE(st.ok()) << k.at << " " << k.value << ": " << st.ToString();
      continue;
    }
    EXPECT_EQ(st.code(), Code::kVerification) << k.at << " " << k.value << ": " << st.ToString();
    EXPECT_NE(st.message().find("weight range: int8 lookup"), std::string::npos) << st.message();
  }
}

TEST(ZkmlWeightRange, MalformedAndForeignProofsAreRefused) {
  auto a = Commit(RandomMlp({10, 6, 3}, 1));
  auto b = Commit(RandomMlp({10, 6, 3}, 2));
  ASSERT_TRUE(a.ok() && b.ok());
  auto pa = ProveWeightRange(*a->package);
  auto pb = ProveWeightRange(*b->package);
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_FALSE(VerifyWeightRange(a->vk, *pb).ok());  // another model's proof
  EXPECT_FALSE(VerifyWeightRange(b->vk, *pa).ok());
  Bytes longer = *pa;
  longer.push_back(0);
  EXPECT_EQ(VerifyWeightRange(a->vk, longer).code(), Code::kParse);
  for (size_t n : {size_t{0}, size_t{10}, pa->size() / 2, pa->size() - 1}) {
    EXPECT_EQ(VerifyWeightRange(a->vk, ByteSpan(*pa).first(n)).code(), Code::kParse) << n;
  }
  // Flips spread over the whole proof: every one is refused.
  for (size_t i = 0; i < pa->size(); i += 1 + pa->size() / 97) {
    Bytes bad = *pa;
    bad[i] ^= 0x10;
    Status st = VerifyWeightRange(a->vk, bad);
    EXPECT_TRUE(st.code() == Code::kParse || st.code() == Code::kVerification)
        << i << ": " << st.ToString();
  }
}

}  // namespace
}  // namespace vinet::zkml
