// ExecutionContext: results, batch sizes, input validation, plan reuse and
// concurrent contexts over one shared model.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "onnx_builder.h"
#include "vinet/runtime/model.h"

namespace vinet::runtime {
namespace {

using testing::OnnxBuilder;

std::shared_ptr<const Model> Load(const OnnxBuilder& b) {
  auto m = Model::LoadBytes(b.Serialize());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : nullptr;
}

Tensor Random(const Shape& s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  Tensor t{s, std::vector<float>(NumElements(s))};
  for (float& v : t.data) v = d(rng);
  return t;
}

TEST(Execution, GemmMatchesHandComputation) {
  OnnxBuilder b;
  b.Input("x", {-1, 3}).Output("y");
  b.Init("w", {2, 3}, {1, 2, 3, 4, 5, 6}).Init("b", {2}, {0.5f, -0.5f});
  auto& n = b.Node("Gemm", {"x", "w", "b"}, {"y"}, "fc");
  OnnxBuilder::Int(n, "transB", 1);
  ExecutionContext ctx(Load(b));
  auto out = ctx.Run({{"x", Tensor{{2, 3}, {1, 0, -1, 2, 1, 0}}}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Tensor& y = out->at("y");
  EXPECT_EQ(y.shape, (Shape{2, 2}));
  // row 0: [1,0,-1]·[1,2,3] = -2 + 0.5; [1,0,-1]·[4,5,6] = -2 - 0.5
  EXPECT_FLOAT_EQ(y.data[0], -1.5f);
  EXPECT_FLOAT_EQ(y.data[1], -2.5f);
  EXPECT_FLOAT_EQ(y.data[2], 4.5f);
  EXPECT_FLOAT_EQ(y.data[3], 12.5f);
}

TEST(Execution, BatchRowsAreIndependent) {
  auto model = Load(testing::SmallCnn());
  ExecutionContext ctx(model);
  Tensor batch = Random({3, 1, 8, 8}, 5);
  auto all = ctx.Run({{"x", batch}});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  for (int i = 0; i < 3; ++i) {
    Tensor one{{1, 1, 8, 8},
               std::vector<float>(batch.data.begin() + i * 64, batch.data.begin() + (i + 1) * 64)};
    auto r = ctx.Run({{"x", one}});
    ASSERT_TRUE(r.ok());
    for (int j = 0; j < 5; ++j) EXPECT_NEAR(r->at("y").data[j], all->at("y").data[i * 5 + j], 1e-5);
  }
}

TEST(Execution, RejectsBadInputsClearly) {
  auto model = Load(testing::SmallCnn());
  ExecutionContext ctx(model);
  auto wrong_name = ctx.Run({{"image", Random({1, 1, 8, 8}, 1)}});
  EXPECT_EQ(wrong_name.status().code(), Code::kInvalidArgument);
  EXPECT_NE(wrong_name.status().message().find("unknown input 'image'"), std::string::npos);
  auto missing = ctx.Run({});
  EXPECT_NE(missing.status().message().find("missing input 'x'"), std::string::npos);
  auto wrong_shape = ctx.Run({{"x", Random({1, 1, 9, 8}, 1)}});
  EXPECT_EQ(wrong_shape.status().code(), Code::kInvalidArgument);
  EXPECT_NE(wrong_shape.status().message().find("[1, 1, 9, 8]"), std::string::npos)
      << wrong_shape.status().message();
  Tensor nan = Random({1, 1, 8, 8}, 1);
  nan.data[7] = std::nanf("");
  auto r = ctx.Run({{"x", nan}});
  EXPECT_NE(r.status().message().find("element 7"), std::string::npos) << r.status().message();
  Tensor bad_size{{1, 1, 8, 8}, std::vector<float>(10)};
  EXPECT_FALSE(ctx.Run({{"x", bad_size}}).ok());
  // The context still works after errors.
  EXPECT_TRUE(ctx.Run({{"x", Random({2, 1, 8, 8}, 1)}}).ok());
}

TEST(Execution, PlansAreCachedPerShape) {
  auto model = Load(testing::SmallCnn());
  auto p1 = model->PlanFor({{1, 1, 8, 8}});
  auto p2 = model->PlanFor({{1, 1, 8, 8}});
  auto p3 = model->PlanFor({{4, 1, 8, 8}});
  ASSERT_TRUE(p1.ok() && p2.ok() && p3.ok());
  EXPECT_EQ(p1->get(), p2->get());
  EXPECT_NE(p1->get(), p3->get());
  EXPECT_FALSE(model->PlanFor({{1, 2, 8, 8}}).ok());
}

TEST(Execution, ConcurrentContextsAgree) {
  auto model = Load(testing::SmallCnn());
  Tensor x = Random({2, 1, 8, 8}, 9);
  ExecutionContext ref_ctx(model);
  auto ref = ref_ctx.Run({{"x", x}});
  ASSERT_TRUE(ref.ok());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ExecutionContext ctx(model);
      for (int i = 0; i < 50; ++i) {
        auto r = ctx.Run({{"x", x}});
        if (!r.ok() || r->at("y").data != ref->at("y").data) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(Execution, OptimizedAndUnoptimizedGraphsAgree) {
  // BatchNorm folding and Gemm weight packing change nothing beyond rounding.
  OnnxBuilder b;
  b.Input("x", {-1, 2, 5, 5}).Output("y");
  b.RandomInit("w", {3, 2, 3, 3}, 0.4f, 1)
      .RandomInit("g", {3}, 0.3f, 2)
      .RandomInit("be", {3}, 0.3f, 3);
  b.RandomInit("m", {3}, 0.3f, 4).Init("v", {3}, {0.5f, 1.5f, 2.0f});
  b.RandomInit("fw", {4, 27}, 0.2f, 5);
  b.InitInts("shape", {-1, 27});
  b.Node("Conv", {"x", "w"}, {"c"}, "conv");
  b.Node("BatchNormalization", {"c", "g", "be", "m", "v"}, {"bn"}, "bn");
  auto& pool = b.Node("MaxPool", {"bn"}, {"p"}, "pool");
  OnnxBuilder::Ints(pool, "kernel_shape", {1, 1});
  b.Node("Reshape", {"p", "shape"}, {"f"});
  auto& fc = b.Node("Gemm", {"f", "fw"}, {"y"}, "fc");
  OnnxBuilder::Int(fc, "transB", 1);
  LoadOptions plain;
  plain.optimize = false;
  auto opt = Model::LoadBytes(b.Serialize());
  auto raw = Model::LoadBytes(b.Serialize(), plain);
  ASSERT_TRUE(opt.ok() && raw.ok()) << opt.status().ToString() << raw.status().ToString();
  EXPECT_LT((*opt)->graph().nodes.size(), (*raw)->graph().nodes.size());  // BN folded
  ExecutionContext a(*opt), c(*raw);
  Tensor x = Random({2, 2, 5, 5}, 3);
  auto ya = a.Run({{"x", x}}), yc = c.Run({{"x", x}});
  ASSERT_TRUE(ya.ok() && yc.ok());
  for (size_t i = 0; i < ya->at("y").data.size(); ++i) {
    EXPECT_NEAR(ya->at("y").data[i], yc->at("y").data[i], 1e-4);
  }
}

}  // namespace
}  // namespace vinet::runtime
