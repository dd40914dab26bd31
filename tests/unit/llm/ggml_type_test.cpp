// The GGML type table against the GGML block layouts.
#include <gtest/gtest.h>

#include "vinet/llm/ggml_type.h"

namespace vinet::llm {
namespace {

struct Row {
  GgmlType type;
  const char* name;
  uint32_t elems, bytes;
  bool supported;
};

TEST(GgmlType, TableMatchesTheBlockLayouts) {
  const Row rows[] = {
      {GgmlType::kF32, "F32", 1, 4, true},       {GgmlType::kF16, "F16", 1, 2, true},
      {GgmlType::kQ4_0, "Q4_0", 32, 18, true},   {GgmlType::kQ4_1, "Q4_1", 32, 20, true},
      {GgmlType::kQ5_0, "Q5_0", 32, 22, false},  {GgmlType::kQ5_1, "Q5_1", 32, 24, false},
      {GgmlType::kQ8_0, "Q8_0", 32, 34, true},   {GgmlType::kQ8_1, "Q8_1", 32, 36, false},
      {GgmlType::kQ2_K, "Q2_K", 256, 84, false}, {GgmlType::kQ3_K, "Q3_K", 256, 110, false},
      {GgmlType::kQ4_K, "Q4_K", 256, 144, true}, {GgmlType::kQ5_K, "Q5_K", 256, 176, false},
      {GgmlType::kQ6_K, "Q6_K", 256, 210, true}, {GgmlType::kQ8_K, "Q8_K", 256, 292, false},
      {GgmlType::kBF16, "BF16", 1, 2, false},
  };
  for (const Row& r : rows) {
    auto info = LookupGgmlType(static_cast<uint32_t>(r.type));
    ASSERT_TRUE(info) << r.name;
    EXPECT_EQ(info->name, r.name);
    EXPECT_EQ(info->block_elems, r.elems) << r.name;
    EXPECT_EQ(info->block_bytes, r.bytes) << r.name;
    EXPECT_EQ(info->supported, r.supported) << r.name;
  }
}

TEST(GgmlType, UnknownIdsAreNotDescribed) {
  for (uint32_t id : {4u, 5u, 16u, 29u, 31u, 1000u, 0xffffffffu})
    EXPECT_FALSE(LookupGgmlType(id)) << id;
}

TEST(GgmlType, RowBytes) {
  EXPECT_EQ(RowBytes(GgmlType::kF32, 7), 28u);
  EXPECT_EQ(RowBytes(GgmlType::kQ4_1, 576), 18u * 20u);
  EXPECT_EQ(RowBytes(GgmlType::kQ6_K, 512), 2u * 210u);
  EXPECT_FALSE(RowBytes(GgmlType::kQ8_0, 33));
  EXPECT_FALSE(RowBytes(GgmlType::kQ4_K, 128));
  EXPECT_FALSE(RowBytes(static_cast<GgmlType>(77), 32));
  EXPECT_FALSE(RowBytes(GgmlType::kF32, UINT64_MAX));  // overflow
}

}  // namespace
}  // namespace vinet::llm
