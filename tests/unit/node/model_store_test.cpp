#include "vinet/node/model_store.h"

#include <gtest/gtest.h>

#include "node/node_test_util.h"
#include "vinet/node/runtime_runner.h"

namespace vinet::node {
namespace {

TEST(ModelStore, AddIsContentAddressedAndIdempotent) {
  testing::TempDir dir;
  auto file = testing::WriteTinyModel(dir.path / "tiny.onnx");
  ModelStore store(dir.path / "store");
  auto id = store.Add(file);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->size(), 64u);
  EXPECT_EQ(*store.Add(file), *id);
  EXPECT_EQ(store.Ids(), std::vector<std::string>{*id});
  auto model = store.Load(*id);
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)->id_hex(), *id);
  auto other = store.Add(testing::WriteTinyModel(dir.path / "other.onnx", 9));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *id);
  EXPECT_EQ(store.Ids().size(), 2u);
}

TEST(ModelStore, RejectsNonModelsAndTamperedFiles) {
  testing::TempDir dir;
  std::ofstream(dir.path / "junk.onnx") << "not a model";
  ModelStore store(dir.path / "store");
  EXPECT_FALSE(store.Add(dir.path / "junk.onnx").ok());
  auto id = *store.Add(testing::WriteTinyModel(dir.path / "tiny.onnx"));
  std::filesystem::copy_file(testing::WriteTinyModel(dir.path / "t2.onnx", 5), store.PathOf(id),
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(store.Load(id).status().code(), Code::kVerification);
  EXPECT_EQ(store.Load("ab").status().code(), Code::kNotFound);
}

TEST(RuntimeModelRunner, RunsStoredModelsOnWireTensors) {
  testing::TempDir dir;
  ModelStore store(dir.path);
  auto id = *store.Add(testing::WriteTinyModel(dir.path / "tiny.onnx"));
  RuntimeModelRunner runner(store);
  EXPECT_EQ(runner.ModelIds(), std::vector<std::string>{id});
  auto model = runner.Find(id);
  ASSERT_NE(model, nullptr);
  std::vector<protocol::NamedTensor> in{protocol::F32Tensor("x", {1, 4}, {1, -2, 3, 0.5f})};
  auto out = runner.Run(id, in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  runtime::ExecutionContext ctx(model);
  auto expected = ctx.Run({{"x", runtime::Tensor{{1, 4}, {1, -2, 3, 0.5f}}}});
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(*out, FromRuntimeOutputs(*expected));
  EXPECT_EQ(runner.Run("nope", in).status().code(), Code::kNotFound);
  std::vector<protocol::NamedTensor> wrong{protocol::F32Tensor("x", {1, 5}, {1, 2, 3, 4, 5})};
  EXPECT_FALSE(runner.Run(id, wrong).ok());
  protocol::NamedTensor i32{"x", "i32", {1, 4}, Bytes(16, 0)};
  EXPECT_EQ(runner.Run(id, {i32}).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace vinet::node
