// Completeness and soundness of model proofs on random CNNs: Conv (kernel,
// stride, padding, dilation), MaxPool, AveragePool, GlobalAveragePool,
// residual Add, Flatten; and LeNet-5.
#include <gtest/gtest.h>

#include "vinet/zkml/zkml.h"
#include "zkml_test_util.h"

namespace vinet::zkml {
namespace {

using testing::CnnBuilder;
using testing::RandomTensor;

runtime::Int8Tensor RuntimeOutput(const runtime::QuantizedModel& q, const runtime::Int8Tensor& in) {
  runtime::Int8Tensor rin{q.tensors()[q.input()].shape, in.data};
  rin.shape[0] = 1;
  auto out = q.Run(rin);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return *out;
}

// Commits, proves two inputs, checks bit-exactness and verification.
void ExpectComplete(const runtime::QuantizedModel& q, uint32_t seed) {
  auto c = Commit(q);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (uint32_t s : {seed, seed + 31}) {
    runtime::Int8Tensor in = testing::RandomInput(c->vk, s);
    auto p = Prove(*c->package, in);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->output.data, RuntimeOutput(q, in).data);
    Status st = Verify(c->vk, in, p->output, p->proof);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
}

TEST(ZkmlCnn, ConvMaxPoolDense) {
  ExpectComplete(
      CnnBuilder(1, 8, 8, 1).Conv(4, 3, 1, 1, 1, true).Pool("MaxPool", 2, 2).Dense(5).Build(), 1);
}

TEST(ZkmlCnn, StridedDilatedConvAvgPoolsAndGlobalAverage) {
  ExpectComplete(CnnBuilder(2, 11, 9, 2)
                     .Conv(3, 3, 2, 0)
                     .Pool("AveragePool", 2, 1, 1, false)
                     .Conv(4, 3, 1, 2, 2, true)
                     .Pool("AveragePool", 3, 2, 1, true)
                     .GlobalAvg()
                     .Dense(3)
                     .Build(),
                 2);
}

TEST(ZkmlCnn, ResidualBlockWithOverlappingMaxPool) {
  ExpectComplete(CnnBuilder(3, 7, 7, 3)
                     .Conv(4, 3, 1, 1, 1, true)
                     .Residual()
                     .Pool("MaxPool", 3, 2, 1)
                     .Conv(2, 1)
                     .Dense(4)
                     .Build(),
                 3);
}

TEST(ZkmlCnn, CeilModePools) {
  ExpectComplete(CnnBuilder(2, 7, 8, 6)
                     .Conv(3, 2, 1, 0, 1, true)
                     .Pool("MaxPool", 2, 2, 0, false, true)
                     .Pool("AveragePool", 2, 2, 1, false, true)
                     .Dense(3)
                     .Build(),
                 6);
}

TEST(ZkmlCnn, LargeGlobalAverageWindowKeepsTheSmallClampTable) {
  runtime::QuantizedModel q =
      CnnBuilder(1, 24, 24, 7).Conv(2, 3, 1, 1).GlobalAvg().Dense(2).Build();
  auto c = Commit(q);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectComplete(q, 7);
}

// Every output element ±1 is rejected (the output block's own argument).
void ExpectEveryWrongOutputRejected(const runtime::QuantizedModel& q, uint32_t seed) {
  auto c = Commit(q);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  runtime::Int8Tensor in = testing::RandomInput(c->vk, seed);
  auto p = Prove(*c->package, in);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  for (size_t i = 0; i < p->output.data.size(); ++i) {
    for (int d : {-1, 1}) {
      runtime::Int8Tensor out = p->output;
      int v = out.data[i] + d;
      if (v < -127 || v > 127) continue;
      out.data[i] = static_cast<int8_t>(v);
      EXPECT_EQ(Verify(c->vk, in, out, p->proof).code(), Code::kVerification) << i;
    }
  }
}

TEST(ZkmlCnn, MaxPoolOrResidualAddAsTheModelOutput) {
  runtime::QuantizedModel pool =
      CnnBuilder(2, 5, 6, 4).Conv(3, 2, 1, 0).Pool("MaxPool", 2, 1).Build();
  ExpectComplete(pool, 4);
  ExpectEveryWrongOutputRejected(pool, 8);
  runtime::QuantizedModel add = CnnBuilder(2, 4, 4, 5).Conv(2, 3, 1, 1, 1, true).Residual().Build();
  ExpectComplete(add, 5);
  ExpectEveryWrongOutputRejected(add, 9);
  runtime::QuantizedModel avg = CnnBuilder(1, 6, 6, 6).Conv(2, 3).Pool("AveragePool", 2, 2).Build();
  ExpectComplete(avg, 6);
  ExpectEveryWrongOutputRejected(avg, 10);
}

TEST(ZkmlCnn, LeNet5CommitsProvesAndVerifies) {
  runtime::QuantizedModel q = CnnBuilder(1, 28, 28, 5)
                                  .Conv(6, 5, 1, 2, 1, true)
                                  .Pool("MaxPool", 2, 2)
                                  .Conv(16, 5, 1, 0, 1, true)
                                  .Pool("MaxPool", 2, 2)
                                  .Dense(120, true)
                                  .Dense(84, true)
                                  .Dense(10)
                                  .Build();
  ExpectComplete(q, 5);
}

class ZkmlCnnSoundness : public ::testing::Test {
 protected:
  void SetUp() override {
    q_ = CnnBuilder(2, 6, 6, 9)
             .Conv(3, 3, 1, 1, 1, true)
             .Residual()
             .Pool("MaxPool", 2, 2)
             .Dense(3)
             .Build();
    auto c = Commit(q_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    c_ = *c;
    in_ = testing::RandomInput(c_.vk, 1);
    auto p = Prove(*c_.package, in_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    p_ = *p;
    ASSERT_TRUE(Verify(c_.vk, in_, p_.output, p_.proof).ok());
  }
  runtime::QuantizedModel q_;
  Committed c_;
  runtime::Int8Tensor in_;
  Proved p_;
};

TEST_F(ZkmlCnnSoundness, RejectsWrongOutputInputModelAndReplay) {
  for (size_t i = 0; i < p_.output.data.size(); ++i) {
    for (int d : {-1, 1}) {
      runtime::Int8Tensor out = p_.output;
      int v = out.data[i] + d;
      if (v < -127 || v > 127) continue;
      out.data[i] = static_cast<int8_t>(v);
      EXPECT_EQ(Verify(c_.vk, in_, out, p_.proof).code(), Code::kVerification) << i;
    }
  }
  runtime::Int8Tensor in2 = testing::RandomInput(c_.vk, 2);
  EXPECT_EQ(Verify(c_.vk, in2, p_.output, p_.proof).code(), Code::kVerification);
  auto p2 = Prove(*c_.package, in2);
  ASSERT_TRUE(p2.ok());
  // Replay: the proof for in2 presented for in_ (with either output).
  EXPECT_FALSE(Verify(c_.vk, in_, p2->output, p2->proof).ok());
  EXPECT_FALSE(Verify(c_.vk, in_, p_.output, p2->proof).ok());
  // Another model of the same architecture: its proof fails under this key.
  auto other = Commit(CnnBuilder(2, 6, 6, 10)
                          .Conv(3, 3, 1, 1, 1, true)
                          .Residual()
                          .Pool("MaxPool", 2, 2)
                          .Dense(3)
                          .Build());
  ASSERT_TRUE(other.ok());
  auto po = Prove(*other->package, in_);
  ASSERT_TRUE(po.ok());
  EXPECT_TRUE(Verify(other->vk, in_, po->output, po->proof).ok());
  Status st = Verify(c_.vk, in_, po->output, po->proof);
  EXPECT_TRUE(st.code() == Code::kVerification || st.code() == Code::kParse) << st.ToString();
}

TEST_F(ZkmlCnnSoundness, RejectsFlippedProofBytes) {
  size_t flips = testing::ExpectEveryFlipRejected(
      p_.proof, 1024, 1500, [&](const Bytes& b) { return Verify(c_.vk, in_, p_.output, b); });
  EXPECT_GT(flips, 2000u);
}

TEST(ZkmlCnn, GroupedConvIsNamedAsUnsupported) {
  runtime::testing::OnnxBuilder b;
  b.Input("x", {-1, 2, 6, 6}).Output("y");
  b.RandomInit("w", {2, 1, 3, 3}, 0.5f, 1).RandomInit("b", {2}, 0.1f, 2);
  auto& n = b.Node("Conv", {"x", "w", "b"}, {"y"}, "depthwise_a");
  runtime::testing::OnnxBuilder::Int(n, "group", 2);
  auto m = runtime::Model::LoadBytes(b.Serialize());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<runtime::TensorMap> cal = {{{"x", RandomTensor({2, 2, 6, 6}, 1)}}};
  auto q = runtime::Quantize(**m, cal);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  auto c = Commit(*q);
  ASSERT_EQ(c.status().code(), Code::kUnsupported);
  EXPECT_NE(c.status().message().find("depthwise_a"), std::string::npos) << c.status().ToString();
  EXPECT_NE(c.status().message().find("group"), std::string::npos) << c.status().ToString();
}

}  // namespace
}  // namespace vinet::zkml
