// GgufFile::Parse on hostile input: every truncation and every single-bit
// flip of a small file's header gives an error or a valid parse whose views
// stay inside the buffer, never a crash; parse time grows linearly with the
// header (the one complexity check the LLM issue asks for: a ratio of two
// sizes measured in the same run, not an absolute time).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "unit/llm/gguf_writer.h"
#include "vinet/llm/gguf.h"

namespace vinet::llm {
namespace {

using testing::GgufWriter;

Bytes SmallFile(GgufWriter::Layout* lay) {
  GgufWriter w;
  w.Str("general.architecture", "llama")
      .U32("llama.block_count", 1)
      .F32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
      .Bool("tokenizer.ggml.add_bos_token", false)
      .StrArray("tokenizer.ggml.tokens", {"<s>", "a",
                                          "\xc4\xa0"
                                          "b"})
      .Array("tokenizer.ggml.scores", GgufValueType::kFloat32, std::vector<float>{0, -1, -2})
      .Array("tokenizer.ggml.token_type", GgufValueType::kInt32, std::vector<int32_t>{3, 1, 1});
  w.Tensor("token_embd.weight", GgmlType::kQ8_0, {32, 3})
      .Tensor("output_norm.weight", GgmlType::kF32, {32})
      .Tensor("blk.0.attn_k.weight", GgmlType::kQ4_K, {256, 1});
  return w.Build(lay);
}

// Touches everything a parsed file exposes, so a bad view shows up (under
// ASan as a report, otherwise as a failed bound check).
void Walk(const GgufFile& f, const Bytes& b) {
  const uint8_t* lo = b.data();
  const uint8_t* hi = b.data() + b.size();
  auto inside = [&](const void* p, uint64_t n) {
    auto* q = static_cast<const uint8_t*>(p);
    return n == 0 || (q >= lo && q <= hi && n <= static_cast<uint64_t>(hi - q));
  };
  uint64_t sum = 0;
  for (const auto& [key, v] : f.metadata()) {
    ASSERT_TRUE(inside(key.data(), key.size()));
    ASSERT_TRUE(inside(v.str.data(), v.str.size()));
    ASSERT_TRUE(inside(v.array_raw.data(), v.array_raw.size()));
    for (auto s : v.strings) {
      ASSERT_TRUE(inside(s.data(), s.size()));
      for (char c : s) sum += static_cast<uint8_t>(c);
    }
    for (uint8_t x : v.array_raw) sum += x;
  }
  for (const GgufTensor& t : f.tensors()) {
    ASSERT_TRUE(inside(t.data, t.nbytes)) << t.name;
    ASSERT_EQ(t.data, lo + t.file_offset);
    for (uint64_t i = 0; i < t.nbytes; ++i) sum += t.data[i];
    (void)f.FindTensor(t.name);
  }
  (void)sum;
}

TEST(GgufRobust, EveryTruncationIsAParseError) {
  GgufWriter::Layout lay;
  Bytes b = SmallFile(&lay);
  ASSERT_TRUE(GgufFile::Parse(ByteSpan(b)).ok());
  for (size_t n = 0; n < b.size(); ++n) {
    Bytes cut(b.begin(), b.begin() + n);  // own allocation: ASan sees reads past it
    auto r = GgufFile::Parse(ByteSpan(cut));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes parsed";
    ASSERT_EQ(r.status().code(), Code::kParse) << r.status().ToString();
    ASSERT_NE(r.status().message().find("offset"), std::string::npos) << r.status().ToString();
  }
}

TEST(GgufRobust, EveryHeaderBitFlipIsAnErrorOrAValidParse) {
  GgufWriter::Layout lay;
  Bytes b = SmallFile(&lay);
  size_t errors = 0, parsed = 0;
  for (size_t byte = 0; byte < lay.data_start; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes m = b;
      m[byte] ^= static_cast<uint8_t>(1u << bit);
      auto r = GgufFile::Parse(ByteSpan(m));
      if (r.ok()) {
        ++parsed;
        Walk(*r, m);
      } else {
        ++errors;
        EXPECT_TRUE(r.status().code() == Code::kParse) << r.status().ToString();
      }
    }
  }
  // Both outcomes occur: flips in string bytes or float values keep the file
  // valid; flips in lengths, types and counts do not.
  EXPECT_GT(errors, 0u);
  EXPECT_GT(parsed, 0u);
}

// Seconds to parse `b` once.
double ParseSeconds(const Bytes& b) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = GgufFile::Parse(ByteSpan(b));
  auto t1 = std::chrono::steady_clock::now();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::chrono::duration<double>(t1 - t0).count();
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

Bytes LongStringArray(size_t n) {
  std::vector<std::string> tokens(n);
  for (size_t i = 0; i < n; ++i) tokens[i] = "tok" + std::to_string(i * 7919 % 1000003);
  GgufWriter w;
  w.Str("general.architecture", "llama").StrArray("tokenizer.ggml.tokens", tokens);
  return w.Build();
}

Bytes ManyKeys(size_t n) {
  GgufWriter w;
  for (size_t i = 0; i < n; ++i) w.U32("k." + std::to_string(i * 7919 % 1000003), 1);
  return w.Build();
}

Bytes ManyTensors(size_t n) {
  GgufWriter w;
  for (size_t i = 0; i < n; ++i) w.Tensor("t." + std::to_string(i), GgmlType::kF32, {1});
  return w.Build();
}

void ExpectLinear(Bytes (*make)(size_t), size_t n, const char* what) {
  Bytes small = make(n), large = make(2 * n);
  ParseSeconds(small);  // warm up
  ParseSeconds(large);
  // Interleaved, so both sizes see the same machine load; the minimum of
  // each is the least disturbed run.
  double ts = 1e9, tl = 1e9;
  for (int i = 0; i < 31; ++i) {
    ts = std::min(ts, ParseSeconds(small));
    tl = std::min(tl, ParseSeconds(large));
  }
  double ratio = tl / ts;
  ::testing::Test::RecordProperty(std::string(what) + "_ratio", std::to_string(ratio));
  std::printf("%s: %zu bytes %.3f ms, %zu bytes %.3f ms, ratio %.2f\n", what, small.size(),
              ts * 1e3, large.size(), tl * 1e3, ratio);
  // Under AddressSanitizer the costs are its allocator's and shadow memory's,
  // not the parser's: that build checks memory safety, the release build
  // checks the growth rate.
  if (!kSanitized) {
    EXPECT_LE(ratio, 2.5) << what << ": doubling the header took " << ratio << "x as long";
  }
}

TEST(GgufRobust, ParseTimeIsLinearInTheHeaderSize) {
  ExpectLinear(LongStringArray, 20000, "string array");
  ExpectLinear(ManyKeys, 8000, "keys");
  ExpectLinear(ManyTensors, 8000, "tensors");
}

}  // namespace
}  // namespace vinet::llm
