// The C++ reader against the `gguf` PyPI package: files that package writes,
// and the real SmolLM2 model, parse to the same metadata values and tensor
// infos (and the same tensor bytes) as gguf.GGUFReader reads. Also GgufFile::Open
// on real paths, and the model id against sha256sum.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/llm/llm_test_env.h"
#include "vinet/crypto/hash.h"
#include "vinet/llm/gguf.h"

namespace vinet::llm {
namespace {

using nlohmann::json;
using testing::RunCommand;

const std::string kTool = std::string(VINET_SOURCE_DIR) + "/tests/unit/llm/gguf_py_tool.py";

json PyDump(const std::filesystem::path& p) {
  auto out = RunCommand("python3 " + kTool + " dump '" + p.string() + "'");
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? json::parse(*out) : json();
}

void ExpectNumber(const GgufValue& v, GgufValueType t, const json& want, const std::string& key) {
  switch (t) {
    case GgufValueType::kFloat32:
    case GgufValueType::kFloat64:
      EXPECT_EQ(v.f, want.get<double>()) << key;
      break;
    case GgufValueType::kBool:
      EXPECT_EQ(v.u != 0, want.get<bool>()) << key;
      break;
    case GgufValueType::kInt8:
    case GgufValueType::kInt16:
    case GgufValueType::kInt32:
    case GgufValueType::kInt64:
      EXPECT_EQ(v.i, want.get<int64_t>()) << key;
      break;
    default:
      EXPECT_EQ(v.u, want.get<uint64_t>()) << key;
      break;
  }
}

// Every key/value and tensor info of `f` equals gguf.GGUFReader's reading.
void ExpectSameAsPython(const GgufFile& f, const json& py) {
  EXPECT_EQ(f.alignment(), py["alignment"].get<uint64_t>());
  const auto& kv = py["kv"];
  ASSERT_EQ(f.metadata().size(), kv.size());
  for (size_t k = 0; k < kv.size(); ++k) {
    const auto& [key, v] = f.metadata()[k];
    std::string want_key = kv[k]["key"];
    ASSERT_EQ(key, want_key) << "metadata[" << k << "]";
    ASSERT_EQ(static_cast<int>(v.type), kv[k]["type"].get<int>()) << key;
    const json& want = kv[k]["value"];
    if (v.type == GgufValueType::kString) {
      EXPECT_EQ(v.str, want.get<std::string>()) << key;
    } else if (v.type == GgufValueType::kArray) {
      ASSERT_EQ(static_cast<int>(v.array_type), kv[k]["sub_type"].get<int>()) << key;
      ASSERT_EQ(v.array_len, want.size()) << key;
      if (v.array_type == GgufValueType::kString) {
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(v.strings[i], want[i].get<std::string>()) << key << "[" << i << "]";
      } else if (v.array_type == GgufValueType::kFloat32) {
        auto got = f.GetFloatArray(key);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(static_cast<double>((*got)[i]), want[i].get<double>())
              << key << "[" << i << "]";
      } else {
        auto got = f.GetIntArray(key);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ((*got)[i], want[i].get<int64_t>()) << key << "[" << i << "]";
      }
    } else {
      ExpectNumber(v, v.type, want, std::string(key));
    }
  }
  const auto& ts = py["tensors"];
  ASSERT_EQ(f.tensors().size(), ts.size());
  for (size_t t = 0; t < ts.size(); ++t) {
    const GgufTensor& ti = f.tensors()[t];
    EXPECT_EQ(ti.name, ts[t]["name"].get<std::string>());
    EXPECT_EQ(static_cast<int>(ti.type), ts[t]["type"].get<int>()) << ti.name;
    EXPECT_EQ(ti.dims, ts[t]["dims"].get<std::vector<uint64_t>>()) << ti.name;
    EXPECT_EQ(ti.nbytes, ts[t]["n_bytes"].get<uint64_t>()) << ti.name;
    EXPECT_EQ(ti.file_offset, ts[t]["data_offset"].get<uint64_t>()) << ti.name;
    EXPECT_EQ(ToHex(crypto::Sha256(ByteSpan(ti.data, ti.nbytes))),
              ts[t]["sha256"].get<std::string>())
        << ti.name;
  }
}

TEST(GgufInterop, FilesWrittenByTheGgufPackageParseIdentically) {
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  for (int alignment : {0, 64}) {
    auto path = dir.path() / ("py_" + std::to_string(alignment) + ".gguf");
    auto w = RunCommand("python3 " + kTool + " write '" + path.string() + "' " +
                        std::to_string(alignment) + " 2>/dev/null");
    ASSERT_TRUE(w.ok()) << w.status().ToString() << " (is the `gguf` package installed?)";
    auto f = GgufFile::Open(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(f->alignment(), alignment ? 64u : 32u);
    EXPECT_EQ(f->tensors().size(), 9u);
    ExpectSameAsPython(*f, PyDump(path));
  }
}

TEST(GgufInterop, SmolLM2ParsesIdenticallyAndHasTheExpectedShape) {
  auto path = testing::SmolLM2Path();
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto f = GgufFile::Open(*path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*f->GetString("general.architecture"), "llama");
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(f->GetStringArray("tokenizer.ggml.tokens")->size(), 49152u);
  const GgufTensor* emb = f->FindTensor("token_embd.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->dims, (std::vector<uint64_t>{576, 49152}));
  size_t q4_1 = 0;
  for (const GgufTensor& t : f->tensors()) q4_1 += t.type == GgmlType::kQ4_1;
  EXPECT_GT(q4_1, 0u);
  ExpectSameAsPython(*f, PyDump(*path));
}

TEST(GgufInterop, ModelIdIsTheFileSha256) {
  auto path = testing::SmolLM2Path();
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto f = GgufFile::Open(*path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto sum = RunCommand("sha256sum '" + path->string() + "'");
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(ToHex(f->ModelId()), sum->substr(0, 64));
  // Moving the file object keeps views and the id valid.
  GgufFile moved = std::move(*f);
  EXPECT_EQ(ToHex(moved.ModelId()), sum->substr(0, 64));
  EXPECT_EQ(*moved.GetString("general.architecture"), "llama");
}

TEST(GgufInterop, OpenReportsIoAndParseErrors) {
  auto missing = GgufFile::Open("/nonexistent/dir/model.gguf");
  EXPECT_EQ(missing.status().code(), Code::kIo);
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("/nonexistent/dir/model.gguf"));
  testing::TempDir dir;
  EXPECT_EQ(GgufFile::Open(dir.path()).status().code(), Code::kIo);
  auto empty = dir.path() / "empty.gguf";
  {
    FILE* fp = fopen(empty.c_str(), "wb");
    ASSERT_NE(fp, nullptr);
    fclose(fp);
  }
  auto e = GgufFile::Open(empty);
  EXPECT_EQ(e.status().code(), Code::kParse);
  EXPECT_THAT(e.status().message(), ::testing::HasSubstr("empty.gguf: gguf: magic"));
}

}  // namespace
}  // namespace vinet::llm
