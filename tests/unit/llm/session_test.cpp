// Forward-pass tests on the tiny models and SmolLM2: logits identical bit for
// bit across kernel paths, thread counts and prefill batching; weights read
// as the gguf package reads them; context and token errors.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "llm/kernels/kernels.h"
#include "llm/model/weights.h"
#include "tiny_models.h"

namespace vinet::llm {
namespace {

using testing::HashFloats;
using testing::TinyModel;
using testing::TinyModelNames;

enum class Mode { kAll, kSplit, kDecode };

struct Variant {
  KernelPath path;
  uint32_t threads;
  Mode mode;
};

// Logits after every position of `tokens`, evaluated as `v` says.
std::vector<float> EvalAll(const Model& m, const Variant& v, const std::vector<int32_t>& tokens) {
  auto s = Session::Create(m, {.n_ctx = 128, .threads = v.threads, .kernels = v.path});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  std::vector<float> out;
  auto append = [&](std::span<const float> l) { out.insert(out.end(), l.begin(), l.end()); };
  std::span<const int32_t> all(tokens);
  switch (v.mode) {
    case Mode::kAll: {
      auto r = (*s)->PrefillAllLogits(all);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      append(*r);
      break;
    }
    case Mode::kSplit: {  // uneven batches crossing the internal chunk size
      size_t cuts[] = {0, 5, 6, 41, tokens.size()};
      for (int i = 0; i + 1 < 5; ++i) {
        auto r = (*s)->PrefillAllLogits(all.subspan(cuts[i], cuts[i + 1] - cuts[i]));
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        append(*r);
      }
      break;
    }
    case Mode::kDecode:
      for (int32_t t : tokens) {
        EXPECT_TRUE((*s)->Decode(t).ok());
        append((*s)->logits());
      }
      break;
  }
  return out;
}

std::vector<int32_t> RandomTokens(size_t n, int32_t vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> t(n);
  for (auto& x : t) x = static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab));
  return t;
}

std::vector<Variant> Variants() {
  std::vector<Variant> v = {{KernelPath::kScalar, 1, Mode::kAll},
                            {KernelPath::kScalar, 2, Mode::kDecode},
                            {KernelPath::kScalar, 1, Mode::kSplit}};
  if (kernels::Avx2Kernels() != nullptr) {
    v.push_back({KernelPath::kAvx2, 1, Mode::kAll});
    v.push_back({KernelPath::kAvx2, 2, Mode::kAll});
    v.push_back({KernelPath::kAvx2, 2, Mode::kSplit});
    v.push_back({KernelPath::kAvx2, 1, Mode::kDecode});
  }
  if (kernels::Avx512Kernels() != nullptr) {
    v.push_back({KernelPath::kAvx512, 1, Mode::kAll});
    v.push_back({KernelPath::kAvx512, 2, Mode::kDecode});
  }
  return v;
}

TEST(LlmSession, TinyModelsBitIdenticalAcrossPathsThreadsAndBatching) {
  for (const auto& name : TinyModelNames()) {
    auto m = Model::Load(TinyModel(name));
    ASSERT_TRUE(m.ok()) << name << ": " << m.status().ToString();
    auto tokens = RandomTokens(45, static_cast<int32_t>((*m)->config().n_vocab), 1);
    auto ref = EvalAll(**m, Variants()[0], tokens);
    ASSERT_EQ(ref.size(), tokens.size() * (*m)->config().n_vocab);
    size_t finite = 0;
    float lo = INFINITY, hi = -INFINITY;
    for (float x : ref) {
      finite += std::isfinite(x);
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    EXPECT_EQ(finite, ref.size()) << name;
    EXPECT_LT(lo, hi) << name;
    const std::string h = HashFloats(ref);
    for (const auto& v : Variants()) {
      EXPECT_EQ(HashFloats(EvalAll(**m, v, tokens)), h)
          << name << " path " << static_cast<int>(v.path) << " threads " << v.threads << " mode "
          << static_cast<int>(v.mode);
    }
  }
}

TEST(LlmSession, PrefillLogitsEqualLastRowOfAllLogits) {
  auto m = Model::Load(TinyModel("llama_q4_1"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto tokens = RandomTokens(40, static_cast<int32_t>((*m)->config().n_vocab), 2);
  auto a = Session::Create(**m, {.n_ctx = 64});
  auto b = Session::Create(**m, {.n_ctx = 64});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Prefill(tokens).ok());
  auto all = (*b)->PrefillAllLogits(tokens);
  ASSERT_TRUE(all.ok());
  const size_t V = (*m)->config().n_vocab;
  EXPECT_EQ(HashFloats((*a)->logits()),
            HashFloats(std::span<const float>(*all).subspan(all->size() - V)));
  EXPECT_EQ((*a)->position(), 40u);
  (*a)->Reset();
  EXPECT_EQ((*a)->position(), 0u);
  ASSERT_TRUE((*a)->Prefill(tokens).ok());
  EXPECT_EQ(HashFloats((*a)->logits()),
            HashFloats(std::span<const float>(*all).subspan(all->size() - V)));
}

// Every weight matrix dequantizes as the gguf package dequantizes it.
TEST(LlmModel, WeightsMatchGgufPackageDequantization) {
  testing::TempDir tmp;
  for (const auto& name : TinyModelNames()) {
    auto m = Model::Load(TinyModel(name));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    const auto& L = (*m)->weights().layers[1];
    for (auto [tensor, mat] :
         {std::pair{"blk.1.ffn_down.weight", &L.w_down}, {"blk.1.attn_k.weight", &L.wk}}) {
      auto out = tmp.path() / "deq.f32";
      auto r = testing::RunCommand(
          "python3 -c 'import sys, gguf, numpy as np; r = gguf.GGUFReader(sys.argv[1]); "
          "t = [t for t in r.tensors if t.name == sys.argv[2]][0]; "
          "gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).tofile(sys.argv[3])' " +
          TinyModel(name).string() + " " + tensor + " " + out.string());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::ifstream in(out, std::ios::binary);
      std::vector<float> ref(static_cast<size_t>(mat->rows) * mat->cols);
      in.read(reinterpret_cast<char*>(ref.data()), static_cast<std::streamsize>(ref.size() * 4));
      ASSERT_TRUE(in.good()) << name << " " << tensor;
      std::vector<float> row(mat->cols);
      double max_err = 0, max_abs = 0;
      for (uint32_t rr = 0; rr < mat->rows; ++rr) {
        kernels::DequantizeRow(mat->type, mat->data + rr * mat->row_bytes, mat->cols, row.data());
        for (uint32_t i = 0; i < mat->cols; ++i) {
          max_err =
              std::max(max_err, std::fabs(static_cast<double>(row[i]) - ref[rr * mat->cols + i]));
          max_abs = std::max(max_abs, std::fabs(static_cast<double>(ref[rr * mat->cols + i])));
        }
      }
      EXPECT_GT(max_abs, 0.0) << name << " " << tensor;
      EXPECT_LE(max_err, 1e-6 * max_abs) << name << " " << tensor;
    }
  }
}

TEST(LlmModel, ConfigFromMetadata) {
  auto m = Model::Load(TinyModel("qwen2_q8_0"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const LlamaConfig& c = (*m)->config();
  EXPECT_EQ(c.architecture, "qwen2");
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.tied_output);
  EXPECT_EQ(c.n_layer, 2u);
  EXPECT_EQ(c.n_embd, 256u);
  EXPECT_EQ(c.n_head, 4u);
  EXPECT_EQ(c.n_head_kv, 2u);
  EXPECT_EQ(c.head_dim, 64u);
  EXPECT_EQ(c.n_ff, 512u);
  EXPECT_EQ(c.n_ctx_train, 256u);
  auto t = Model::Load(TinyModel("llama_q8_0"));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE((*t)->config().tied_output);
  EXPECT_EQ((*t)->weights().output.data, (*t)->weights().token_embd.data);
}

TEST(LlmModel, RefusesUnknownArchitectureAndWeightType) {
  auto a = Model::Load(TinyModel("mamba_q8_0"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kUnsupported);
  EXPECT_NE(a.status().message().find("'mamba'"), std::string::npos) << a.status().message();
  auto q = Model::Load(TinyModel("llama_q5_0"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), Code::kUnsupported);
  EXPECT_NE(q.status().message().find("Q5_0"), std::string::npos) << q.status().message();
  EXPECT_NE(q.status().message().find("token_embd.weight"), std::string::npos)
      << q.status().message();
}

TEST(LlmSession, ContextAndTokenErrors) {
  auto m = Model::Load(TinyModel("llama_q8_0"));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(Session::Create(**m, {.n_ctx = 100000}).ok());
  EXPECT_FALSE(Session::Create(**m, {.threads = 0}).ok());
  auto s = Session::Create(**m, {.n_ctx = 16});
  ASSERT_TRUE(s.ok());
  std::vector<int32_t> toks(17, 1);
  Status st = (*s)->Prefill(toks);
  EXPECT_EQ(st.code(), Code::kOutOfRange) << st.ToString();
  EXPECT_NE(st.message().find("context"), std::string::npos);
  EXPECT_EQ((*s)->position(), 0u);
  ASSERT_TRUE((*s)->Prefill(std::span<const int32_t>(toks).first(10)).ok());
  EXPECT_EQ((*s)->Prefill(std::span<const int32_t>(toks).first(7)).code(), Code::kOutOfRange);
  EXPECT_EQ((*s)->position(), 10u);
  EXPECT_EQ((*s)->Decode(static_cast<int32_t>((*m)->config().n_vocab)).code(),
            Code::kInvalidArgument);
  EXPECT_EQ((*s)->Decode(-1).code(), Code::kInvalidArgument);
  EXPECT_EQ((*s)->Prefill({}).code(), Code::kInvalidArgument);
  EXPECT_EQ((*s)->position(), 10u);
}

TEST(LlmSession, SmolLM2BitIdenticalAcrossPathsThreadsAndBatching) {
  auto path = testing::SmolLM2Path();
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto m = Model::Load(*path);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto tokens = RandomTokens(45, static_cast<int32_t>((*m)->config().n_vocab), 3);
  std::string ref;
  for (const auto& v : Variants()) {
    if (v.path == KernelPath::kScalar && v.mode != Mode::kAll) continue;  // scalar is slow: one run
    std::string h = HashFloats(EvalAll(**m, v, tokens));
    if (ref.empty()) ref = h;
    EXPECT_EQ(h, ref) << "path " << static_cast<int>(v.path) << " threads " << v.threads << " mode "
                      << static_cast<int>(v.mode);
  }
}

}  // namespace
}  // namespace vinet::llm
