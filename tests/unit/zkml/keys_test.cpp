// Verifying keys, packages, unsupported models and the custom clamp table.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "unit/runtime/onnx_builder.h"
#include "vinet/zk/poly/multilinear.h"
#include "vinet/zkml/zkml.h"
#include "zkml/sym_clamp_table.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::RandomMlp;

TEST(ZkmlKey, RoundTripsAndRejectsTruncationTrailingBytesAndBadFields) {
  auto c = Commit(RandomMlp({20, 16, 6}, 5));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Bytes vk = c->vk.Encode();
  auto parsed = VerifyingKey::Parse(vk);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Encode(), vk);
  EXPECT_EQ(parsed->ModelId(), c->vk.ModelId());
  for (size_t n = 0; n < vk.size(); ++n) {
    auto r = VerifyingKey::Parse(ByteSpan(vk).first(n));
    EXPECT_EQ(r.status().code(), Code::kParse) << "length " << n;
  }
  Bytes longer = vk;
  longer.push_back(0);
  EXPECT_EQ(VerifyingKey::Parse(longer).status().code(), Code::kParse);
  // Any changed byte either fails to parse or names another model.
  for (size_t i = 0; i < vk.size(); ++i) {
    Bytes b = vk;
    b[i] ^= 0x01;
    auto r = VerifyingKey::Parse(b);
    if (r.ok()) {
      EXPECT_NE(r->ModelId(), c->vk.ModelId()) << "byte " << i;
    }
  }
  // A key whose commitment shape disagrees with its spec is malformed.
  VerifyingKey bad = c->vk;
  bad.weights.num_vars += 1;
  EXPECT_EQ(VerifyingKey::Parse(bad.Encode()).status().code(), Code::kParse);
  // Oversized shapes, broken wiring and out-of-range parameters are parse errors.
  std::vector<std::function<void(VerifyingKey&)>> breaks = {
      [](VerifyingKey& k) {
        k.spec.input_shape = {1 << 24, 1 << 24};
      },
      [](VerifyingKey& k) { k.spec.blocks[1].input = 1; },
      [](VerifyingKey& k) { k.spec.blocks[0].in_size += 1; },
      [](VerifyingKey& k) { k.spec.blocks[0].shift = 60; },
      [](VerifyingKey& k) { k.spec.blocks[0].multiplier = 0; },
      [](VerifyingKey& k) { k.spec.clamp_bits = 17; },
      [](VerifyingKey& k) { k.spec.output_block = 7; },
      [](VerifyingKey& k) { k.spec.output_scale = -1.0f; },
      [](VerifyingKey& k) { k.security_bits = 20; },
  };
  for (size_t i = 0; i < breaks.size(); ++i) {
    VerifyingKey k = c->vk;
    breaks[i](k);
    EXPECT_EQ(VerifyingKey::Parse(k.Encode()).status().code(), Code::kParse) << "case " << i;
  }
}

TEST(ZkmlKey, VerifyCostDependsOnTheKeyOnly) {
  auto a = Commit(RandomMlp({20, 16, 6}, 5));
  auto b = Commit(RandomMlp({20, 16, 6}, 6));
  auto big = Commit(RandomMlp({64, 32, 10}, 6));
  ASSERT_TRUE(a.ok() && b.ok() && big.ok());
  EXPECT_GT(EstimateVerifyCost(a->vk).units(), 0u);
  EXPECT_EQ(EstimateVerifyCost(a->vk).units(), EstimateVerifyCost(a->vk).units());
  if (a->vk.spec.clamp_bits == b->vk.spec.clamp_bits) {
    EXPECT_EQ(EstimateVerifyCost(a->vk).units(), EstimateVerifyCost(b->vk).units());
  }
  EXPECT_GT(EstimateVerifyCost(big->vk).units(), EstimateVerifyCost(a->vk).units());
}

TEST(ZkmlKey, DefaultParametersReachOneHundredBits) {
  for (const auto& dims : {std::vector<int64_t>{4, 3}, {64, 32, 10}}) {
    auto c = Commit(RandomMlp(dims, 2));
    ASSERT_TRUE(c.ok());
    EXPECT_GE(SoundnessBits(c->vk), 100.0);
    VerifyingKey weak = c->vk;
    weak.security_bits = 80;
    EXPECT_LT(SoundnessBits(weak), 100.0);
  }
}

TEST(ZkmlPackage, RoundTripsAndRejectsCorruption) {
  auto c = Commit(RandomMlp({12, 8, 3}, 9));
  ASSERT_TRUE(c.ok());
  Bytes pkg = EncodePackage(*c->package);
  auto loaded = LoadPackage(pkg, 1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->vk.Encode(), c->vk.Encode());
  auto x = QuantizeInput(c->vk.spec, testing::RandomTensor(c->vk.spec.input_shape, 3));
  ASSERT_TRUE(x.ok());
  auto p = Prove(*loaded->package, *x);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Verify(c->vk, *x, p->output, p->proof).ok());
  for (size_t n : {size_t{0}, size_t{7}, size_t{20}, pkg.size() / 2, pkg.size() - 1}) {
    EXPECT_FALSE(LoadPackage(ByteSpan(pkg).first(n), 1).ok()) << n;
  }
  Bytes longer = pkg;
  longer.push_back(1);
  EXPECT_FALSE(LoadPackage(longer, 1).ok());
  // A weight changed inside the package no longer matches the stored key.
  Bytes model = PackageModel(*c->package).CanonicalEncoding();
  Bytes changed = pkg;
  size_t last_weight = 16 + model.size() - 8;  // inside the last layer's data
  changed[last_weight] ^= 0x02;
  EXPECT_FALSE(LoadPackage(changed, 1).ok());
}

TEST(ZkmlSpec, UnsupportedOpIsNamed) {
  runtime::testing::OnnxBuilder b;
  // A ReLU after a max-pool is not fused into a requantizing layer.
  b.Input("x", {-1, 1, 6, 6}).Output("y");
  b.RandomInit("w", {2, 1, 3, 3}, 0.5f, 1).RandomInit("b", {2}, 0.1f, 2);
  b.Node("Conv", {"x", "w", "b"}, {"c"}, "conv_a");
  auto& pool = b.Node("MaxPool", {"c"}, {"p"}, "pool_a");
  runtime::testing::OnnxBuilder::Ints(pool, "kernel_shape", {2, 2});
  b.Node("Relu", {"p"}, {"y"}, "relu_a");
  auto m = runtime::Model::LoadBytes(b.Serialize());
  ASSERT_TRUE(m.ok());
  std::vector<runtime::TensorMap> cal = {{{"x", testing::RandomTensor({2, 1, 6, 6}, 1)}}};
  auto q = runtime::Quantize(**m, cal);
  ASSERT_TRUE(q.ok());
  auto c = Commit(*q);
  ASSERT_EQ(c.status().code(), Code::kUnsupported);
  EXPECT_NE(c.status().message().find("relu_a"), std::string::npos) << c.status().ToString();
  EXPECT_NE(c.status().message().find("Relu"), std::string::npos);
}

TEST(ZkmlTables, SymmetricClampMleMatchesItsRows) {
  std::mt19937_64 rng(4);
  for (size_t bits : {9u, 10u, 12u}) {
    detail::SymClampTable t(bits);
    std::vector<zk::Fp> x(size_t{1} << bits), y(size_t{1} << bits);
    for (size_t j = 0; j < x.size(); ++j) {
      x[j] = t.Value(0, j);
      y[j] = t.Value(1, j);
      int64_t xi = static_cast<int64_t>(j) - (int64_t{1} << (bits - 1));
      EXPECT_EQ(y[j], zk::Fp::FromSigned(std::clamp<int64_t>(xi, -127, 127)));
      EXPECT_EQ(t.RowOfFirst(x[j]), j);  // the multiplicity counter's row index
    }
    EXPECT_EQ(t.RowOfFirst(zk::Fp::FromSigned(int64_t{1} << (bits - 1))), zk::LookupTable::kNoRow);
    EXPECT_EQ(t.RowOfFirst(zk::Fp::FromSigned(-(int64_t{1} << (bits - 1)) - 1)),
              zk::LookupTable::kNoRow);
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<zk::Fp2> r(bits);
      for (auto& v : r) v = zk::Fp2(zk::Fp(rng()), zk::Fp(rng()));
      EXPECT_EQ(t.EvaluateColumn(0, r), zk::EvaluateMle(x, r));
      EXPECT_EQ(t.EvaluateColumn(1, r), zk::EvaluateMle(y, r));
    }
  }
}

}  // namespace
}  // namespace vinet::zkml
