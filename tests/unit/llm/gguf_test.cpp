// GgufFile::Parse on files built by the test writer: what a valid file
// yields, and a precise error for each malformed field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include <fmt/format.h>

#include "unit/llm/gguf_writer.h"
#include "vinet/llm/gguf.h"

namespace vinet::llm {
namespace {

using testing::GgufWriter;
using ::testing::HasSubstr;

GgufWriter ValidWriter(uint32_t version = 3) {
  GgufWriter w(version);
  w.Str("general.architecture", "llama")
      .Str("general.name", "tiny")
      .U32("llama.context_length", 2048)
      .I32("test.negative", -5)
      .I32("test.positive", 7)
      .F32("test.eps", 1e-5f)
      .Bool("test.flag", true)
      .Scalar("test.u8", GgufValueType::kUint8, uint8_t{200})
      .Scalar("test.i8", GgufValueType::kInt8, int8_t{-3})
      .Scalar("test.u16", GgufValueType::kUint16, uint16_t{60000})
      .Scalar("test.i16", GgufValueType::kInt16, int16_t{-30000})
      .U64("test.u64", 0xfedcba9876543210ull)
      .Scalar("test.i64", GgufValueType::kInt64, int64_t{-1234567890123})
      .Scalar("test.f64", GgufValueType::kFloat64, 2.5)
      .StrArray("tokenizer.ggml.tokens", {"a", "b", "", "<|im_end|>"})
      .Array("tokenizer.ggml.scores", GgufValueType::kFloat32, std::vector<float>{0.5f, -1.f})
      .Array("tokenizer.ggml.token_type", GgufValueType::kInt32, std::vector<int32_t>{1, 3, 6})
      .Array("test.bools", GgufValueType::kBool, std::vector<uint8_t>{0, 1, 1});
  w.Tensor("token_embd.weight", GgmlType::kQ4_1, {64, 3})
      .Tensor("output_norm.weight", GgmlType::kF32, {64})
      .Tensor("blk.0.ffn_down.weight", GgmlType::kQ6_K, {256, 2})
      .Tensor("blk.0.attn_q.weight", GgmlType::kF16, {3, 5, 2, 1});
  return w;
}

Result<GgufFile> ParseBytes(const Bytes& b) {
  return GgufFile::Parse(ByteSpan(b));
}

// Parse must fail with kParse and a message holding every fragment.
void ExpectParseError(const Bytes& b, std::vector<std::string> fragments) {
  auto r = ParseBytes(b);
  ASSERT_FALSE(r.ok()) << "parsed a malformed file";
  EXPECT_EQ(r.status().code(), Code::kParse) << r.status().ToString();
  for (const auto& f : fragments) EXPECT_THAT(r.status().message(), HasSubstr(f));
}

TEST(Gguf, ParsesEveryValueTypeAndTensor) {
  for (uint32_t version : {2u, 3u}) {
    GgufWriter::Layout lay;
    Bytes b = ValidWriter(version).Build(&lay);
    auto r = ParseBytes(b);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const GgufFile& f = *r;
    EXPECT_EQ(f.version(), version);
    EXPECT_EQ(f.alignment(), 32u);
    EXPECT_EQ(f.metadata().size(), 18u);
    EXPECT_EQ(f.metadata()[0].first, "general.architecture");
    EXPECT_EQ(*f.GetString("general.architecture"), "llama");
    EXPECT_EQ(*f.GetUint("llama.context_length"), 2048u);
    EXPECT_EQ(f.Find("test.negative")->i, -5);
    EXPECT_EQ(*f.GetUint("test.positive"), 7u);  // signed, but >= 0
    EXPECT_EQ(f.Find("test.u64")->i, 0);         // >= 2^63: no signed view
    EXPECT_FLOAT_EQ(static_cast<float>(*f.GetFloat("test.eps")), 1e-5f);
    EXPECT_EQ(*f.GetBool("test.flag"), true);
    EXPECT_EQ(*f.GetUint("test.u8"), 200u);
    EXPECT_EQ(f.Find("test.i8")->i, -3);
    EXPECT_EQ(*f.GetUint("test.u16"), 60000u);
    EXPECT_EQ(f.Find("test.i16")->i, -30000);
    EXPECT_EQ(*f.GetUint("test.u64"), 0xfedcba9876543210ull);
    EXPECT_EQ(f.Find("test.i64")->i, -1234567890123);
    EXPECT_EQ(*f.GetFloat("test.f64"), 2.5);
    EXPECT_EQ(*f.GetFloat("llama.context_length"), 2048.0);
    auto tokens = *f.GetStringArray("tokenizer.ggml.tokens");
    ASSERT_EQ(tokens.size(), 4u);
    EXPECT_EQ(tokens[2], "");
    EXPECT_EQ(tokens[3], "<|im_end|>");
    EXPECT_EQ(*f.GetFloatArray("tokenizer.ggml.scores"), (std::vector<float>{0.5f, -1.f}));
    EXPECT_EQ(*f.GetIntArray("tokenizer.ggml.token_type"), (std::vector<int64_t>{1, 3, 6}));
    EXPECT_EQ(f.GetIntArray("test.bools").status().code(), Code::kParse);  // bool is no integer

    ASSERT_EQ(f.tensors().size(), 4u);
    const GgufTensor* emb = f.FindTensor("token_embd.weight");
    ASSERT_NE(emb, nullptr);
    EXPECT_EQ(emb->type, GgmlType::kQ4_1);
    EXPECT_EQ(emb->dims, (std::vector<uint64_t>{64, 3}));
    EXPECT_EQ(emb->row_elems(), 64u);
    EXPECT_EQ(emb->rows(), 3u);
    EXPECT_EQ(emb->nbytes, 2u * 20u * 3u);
    EXPECT_EQ(emb->file_offset, lay.data_start);
    EXPECT_EQ(emb->data, b.data() + lay.data_start);
    const GgufTensor* q = f.FindTensor("blk.0.attn_q.weight");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->rows(), 10u);
    EXPECT_EQ(q->nbytes, 30u * 2u);
    EXPECT_EQ(f.FindTensor("blk.0.ffn_down.weight")->nbytes, 2u * 210u);
    for (const GgufTensor& t : f.tensors()) {
      EXPECT_EQ(t.file_offset % 32, 0u) << t.name;
      EXPECT_EQ(t.data, b.data() + t.file_offset);
      EXPECT_LE(t.file_offset + t.nbytes, b.size());
    }
    EXPECT_EQ(f.FindTensor("nope"), nullptr);
    EXPECT_EQ(f.Find("nope"), nullptr);
  }
}

TEST(Gguf, GettersCheckTypes) {
  Bytes b = ValidWriter().Build();
  auto f = ParseBytes(b);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->GetString("absent").status().code(), Code::kNotFound);
  EXPECT_THAT(f->GetString("absent").status().message(), HasSubstr("'absent'"));
  auto s = f->GetString("llama.context_length");
  EXPECT_EQ(s.status().code(), Code::kParse);
  EXPECT_THAT(s.status().message(),
              HasSubstr("'llama.context_length': expected string, got uint32"));
  auto neg = f->GetUint("test.negative");
  EXPECT_EQ(neg.status().code(), Code::kParse);
  EXPECT_THAT(neg.status().message(), HasSubstr("negative value -5"));
  EXPECT_EQ(f->GetBool("test.u8").status().code(), Code::kParse);
  EXPECT_EQ(f->GetFloat("general.name").status().code(), Code::kParse);
  EXPECT_THAT(f->GetStringArray("tokenizer.ggml.scores").status().message(),
              HasSubstr("got array of float32"));
  EXPECT_EQ(f->GetFloatArray("tokenizer.ggml.tokens").status().code(), Code::kParse);
}

TEST(Gguf, CustomAlignmentAndEmptyFile) {
  GgufWriter w;
  w.Alignment(64).Tensor("a", GgmlType::kF32, {3}).Tensor("b", GgmlType::kF32, {5});
  Bytes b = w.Build();
  auto f = ParseBytes(b);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->alignment(), 64u);
  EXPECT_EQ(f->tensors()[1].file_offset - f->tensors()[0].file_offset, 64u);

  Bytes empty = GgufWriter().Build();  // no keys, no tensors
  auto e = ParseBytes(empty);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->metadata().empty());
  EXPECT_TRUE(e->tensors().empty());
}

TEST(Gguf, RefusesBadHeader) {
  Bytes b = ValidWriter().Build();
  Bytes bad = b;
  bad[0] = 'X';
  ExpectParseError(bad, {"magic", "\"GGUF\"", "offset 0"});
  for (uint32_t v : {0u, 1u, 4u, 0x03000000u}) {
    bad = b;
    GgufWriter::Patch(bad, 4, v);
    ExpectParseError(bad, {"version", fmt::format("version {} is not supported", v), "offset 4"});
  }
  bad = b;
  GgufWriter::Patch(bad, 4, 1u);
  ExpectParseError(bad, {"v1"});
  bad = b;
  GgufWriter::Patch(bad, 4, 0x03000000u);
  ExpectParseError(bad, {"big-endian"});
  bad = b;
  GgufWriter::Patch(bad, 8, uint64_t{1} << 40);
  ExpectParseError(bad, {"tensor_count", "exceed the limit", "offset 8"});
  bad = b;
  GgufWriter::Patch(bad, 8, uint64_t{60000});
  ExpectParseError(bad, {"tensor_count", "cannot fit", "offset 8"});
  bad = b;
  GgufWriter::Patch(bad, 16, uint64_t{1} << 62);
  ExpectParseError(bad, {"metadata_kv_count", "offset 16"});
  bad = b;
  GgufWriter::Patch(bad, 16, uint64_t{60000});
  ExpectParseError(bad, {"metadata_kv_count", "cannot fit", "offset 16"});
  ExpectParseError(Bytes{'G', 'G', 'U'}, {"magic", "needs 4 bytes", "offset 0"});
  ExpectParseError(Bytes{}, {"magic"});
}

TEST(Gguf, RefusesBadStringsAndValues) {
  GgufWriter::Layout lay;
  Bytes b = ValidWriter().Build(&lay);
  Bytes bad = b;
  GgufWriter::Patch(bad, lay.kv_at[1], uint64_t{1} << 50);  // key length of metadata[1]
  ExpectParseError(
      bad, {"metadata[1]: key", "exceeds the limit", fmt::format("offset {}", lay.kv_at[1])});
  bad = b;
  GgufWriter::Patch(bad, lay.kv_at[1], uint64_t{60000});
  ExpectParseError(
      bad, {"metadata[1]: key", "past end of file", fmt::format("offset {}", lay.kv_at[1])});
  // general.name's value: type at kv_at[1] + 8 + 12, string length after it.
  uint64_t type_at = lay.kv_at[1] + 8 + 12;
  bad = b;
  GgufWriter::Patch(bad, type_at, 13u);
  ExpectParseError(
      bad, {"metadata 'general.name'", "unknown value type 13", fmt::format("offset {}", type_at)});
  bad = b;
  GgufWriter::Patch(bad, type_at + 4, uint64_t{1} << 20);
  ExpectParseError(
      bad, {"metadata 'general.name'", "past end of file", fmt::format("offset {}", type_at + 4)});

  // Nested array, unknown element type, over-long arrays, bool values.
  auto one = [](auto fill) {
    GgufWriter w;
    fill(w);
    return w.Build();
  };
  ExpectParseError(one([](GgufWriter& w) {
                     Bytes p;
                     GgufWriter::Put(p, uint32_t{9});
                     GgufWriter::Put(p, uint64_t{0});
                     w.Kv("x.nested", GgufValueType::kArray, p);
                   }),
                   {"'x.nested'", "nested arrays"});
  ExpectParseError(one([](GgufWriter& w) {
                     Bytes p;
                     GgufWriter::Put(p, uint32_t{99});
                     GgufWriter::Put(p, uint64_t{0});
                     w.Kv("x.a", GgufValueType::kArray, p);
                   }),
                   {"'x.a'", "unknown array element type 99"});
  ExpectParseError(one([](GgufWriter& w) {
                     Bytes p;
                     GgufWriter::Put(p, uint32_t{4});
                     GgufWriter::Put(p, uint64_t{1000});
                     GgufWriter::Put(p, uint32_t{1});
                     w.Kv("x.a", GgufValueType::kArray, p);
                   }),
                   {"'x.a'", "array of 1000 uint32 elements past end of file", "offset 43"});
  ExpectParseError(one([](GgufWriter& w) {
                     Bytes p;
                     GgufWriter::Put(p, uint32_t{8});
                     GgufWriter::Put(p, uint64_t{1} << 40);
                     w.Kv("x.a", GgufValueType::kArray, p);
                   }),
                   {"'x.a'", "exceeds the limit"});
  ExpectParseError(one([](GgufWriter& w) { w.Scalar("x.b", GgufValueType::kBool, uint8_t{2}); }),
                   {"'x.b'", "bool value 2 is not 0 or 1"});
  ExpectParseError(one([](GgufWriter& w) {
                     w.Array("x.b", GgufValueType::kBool, std::vector<uint8_t>{1, 0, 7});
                   }),
                   {"'x.b'", "bool element 2 is 7"});
  ExpectParseError(one([](GgufWriter& w) { w.Str("", "v"); }), {"metadata[0]", "empty key"});
  ExpectParseError(one([](GgufWriter& w) { w.U32("k", 1).Str("j", "x").U32("k", 2); }),
                   {"metadata[2]", "duplicate key 'k'", "offset 63"});
}

TEST(Gguf, RefusesBadAlignment) {
  for (uint32_t a : {0u, 3u, 48u, 1u << 20}) {
    GgufWriter w;
    w.U32("general.alignment", a);
    ExpectParseError(w.Build(),
                     {"'general.alignment'", fmt::format("alignment {} is not", a), "offset 24"});
  }
  GgufWriter w;
  w.U64("general.alignment", 64);
  ExpectParseError(w.Build(), {"'general.alignment'", "must be uint32, not uint64"});
}

TEST(Gguf, RefusesBadTensorInfos) {
  auto with = [](auto fill) {
    GgufWriter w;
    w.Str("general.architecture", "llama");
    fill(w);
    return w.Build();
  };
  // Tensor infos start right after the one key/value: 24 + 8+20 + 4 + 8+5 = 69.
  ExpectParseError(with([](GgufWriter& w) { w.Tensor("t", 0, {}); }),
                   {"tensor 't'", "0 dimensions, expected 1..4", "offset 78"});
  ExpectParseError(with([](GgufWriter& w) {
                     w.Tensor("t", 0, {1, 1, 1, 1, 1});
                   }),
                   {"tensor 't'", "5 dimensions"});
  ExpectParseError(with([](GgufWriter& w) {
                     w.Tensor("t", 0, {4, 0}, Bytes{});
                   }),
                   {"tensor 't'", "ne[1] = 0"});
  ExpectParseError(with([](GgufWriter& w) {
                     w.Tensor("t", 0, {1ull << 40, 1ull << 30}, Bytes{});
                   }),
                   {"tensor 't'", "element count overflows"});
  ExpectParseError(with([](GgufWriter& w) {
                     w.Tensor("t", 0, {1ull << 62, 1}, Bytes{});
                   }),
                   {"tensor 't'", "byte size overflows"});
  ExpectParseError(
      with([](GgufWriter& w) { w.Tensor("blk.3.ffn_up.weight", 16, {32}, Bytes(32)); }),
      {"tensor 'blk.3.ffn_up.weight'", "unknown tensor type id 16"});
  ExpectParseError(with([](GgufWriter& w) {
                     w.Tensor("t", 8, {48, 2}, Bytes(200));
                   }),
                   {"tensor 't'", "ne[0] = 48 is not a multiple of the Q8_0 block size 32"});
  ExpectParseError(with([](GgufWriter& w) { w.Tensor("", 0, {1}); }), {"empty tensor name"});
  ExpectParseError(with([](GgufWriter& w) {
                     w.Tensor("t", GgmlType::kF32, {4}).Tensor("t", GgmlType::kF32, {4});
                   }),
                   {"tensor[1]", "duplicate tensor name 't'"});
  ExpectParseError(with([](GgufWriter& w) { w.Tensor("t", 0, {4}, std::nullopt, 16); }),
                   {"tensor 't'", "data offset 16 is not a multiple of the alignment 32"});
  ExpectParseError(
      with([](GgufWriter& w) { w.Tensor("a", 0, {16}).Tensor("b", 0, {4}, std::nullopt, 32); }),
      {"tensor 'b'", "overlaps tensor 'a' at"});
  // Data past the end: truncate the last tensor's data by one byte.
  Bytes b = with([](GgufWriter& w) { w.Tensor("a", 0, {8}).Tensor("w", 0, {16}); });
  b.pop_back();
  ExpectParseError(b, {"tensor 'w'", "past end of the data section"});
  // An offset far past the end, and one whose end overflows 2^64.
  GgufWriter::Layout lay;
  b = [&] {
    GgufWriter w;
    w.Tensor("t", GgmlType::kF32, {8});
    return w.Build(&lay);
  }();
  Bytes bad = b;
  uint64_t off_at = lay.tensor_at[0] + 8 + 1 + 4 + 8 + 4;
  GgufWriter::Patch(bad, off_at, uint64_t{1} << 40);
  ExpectParseError(bad, {"tensor 't'", "past end of the data section"});
  GgufWriter::Patch(bad, off_at, UINT64_MAX - 31);
  ExpectParseError(bad, {"tensor 't'", "past end of the data section"});
}

TEST(Gguf, DataSectionMayHoldNothingWithoutTensors) {
  // A header-only file whose padding is absent still parses (no tensors).
  Bytes b = [] {
    GgufWriter w;
    w.Str("general.architecture", "llama");
    return w.Build();
  }();
  ASSERT_EQ(b.size(), 96u);
  b.resize(69);  // 24 header + 28 key + 4 type + 13 value
  auto f = ParseBytes(b);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
}

}  // namespace
}  // namespace vinet::llm
