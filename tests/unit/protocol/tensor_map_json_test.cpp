#include "vinet/protocol/tensor_map_json.h"

#include <gtest/gtest.h>

namespace vinet::protocol {
namespace {

using json = nlohmann::json;

TEST(TensorMapJson, NestedArraysGiveShapeAndF32) {
  auto t = TensorMapFromJson(json::parse(R"({"x": [[1, 2, 3], [4, 5, 6]]})"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0].dtype, "f32");
  EXPECT_EQ((*t)[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ((*t)[0], protocol::F32Tensor("x", {2, 3}, {1, 2, 3, 4, 5, 6}));
}

TEST(TensorMapJson, ObjectFormWithDtypeRoundTrips) {
  json in = json::parse(R"({"a": {"shape": [3], "data": [-1, 0, 7], "dtype": "i32"},
                            "b": {"shape": [1, 2], "data": [0.5, 1.5]}})");
  auto t = TensorMapFromJson(in);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto back = TensorMapFromJson(TensorMapToJson(*t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *t);
  EXPECT_EQ(TensorMapToJson(*t)["a"]["data"], json::parse("[-1, 0, 7]"));
}

TEST(TensorMapJson, RejectsMalformedTensorsWithTheirName) {
  const char* bad[] = {
      R"({"x": [[1, 2], [3]]})",                                  // ragged
      R"({"x": [[1, 2], 3]})",                                    // ragged
      R"({"x": ["a"]})",                                          // non-number
      R"({"x": {"shape": [2], "data": [1]}})",                    // size mismatch
      R"({"x": {"shape": [1], "data": [300], "dtype": "i8"}})",   // out of range
      R"({"x": [1e39]})",                                         // beyond f32
      R"({"x": {"shape": [1], "data": [1.5], "dtype": "i32"}})",  // not an integer
      R"({"x": {"shape": [1], "data": [1], "dtype": "f16"}})",    // unknown dtype
      R"({"x": {"shape": [-1], "data": []}})",                    // negative dim
      R"({"x": {"data": [1]}})",                                  // no shape
  };
  for (const char* text : bad) {
    auto t = TensorMapFromJson(json::parse(text));
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.status().code(), Code::kParse) << text;
    EXPECT_NE(t.status().message().find("x"), std::string::npos) << t.status().message();
  }
  EXPECT_FALSE(TensorMapFromJson(json::array()).ok());
  EXPECT_FALSE(TensorMapFromJson(json::object()).ok());
}

}  // namespace
}  // namespace vinet::protocol
