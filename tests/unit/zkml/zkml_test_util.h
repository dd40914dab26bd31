// Test helpers: random quantized MLPs built through the runtime (tests only).
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/runtime/onnx_builder.h"
#include "vinet/runtime/model.h"
#include "vinet/runtime/quantized.h"
#include "vinet/zkml/zkml.h"
#include "zkml/package.h"

namespace vinet::zkml::testing {

inline runtime::Tensor RandomTensor(const runtime::Shape& s, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, scale);
  runtime::Tensor t{s, std::vector<float>(runtime::NumElements(s))};
  for (float& v : t.data) v = d(rng);
  return t;
}

// A random input of the key's shape (normal, scale 2), quantized as the key says.
inline runtime::Int8Tensor RandomInput(const VerifyingKey& vk, uint32_t seed) {
  auto q = QuantizeInput(vk.spec, RandomTensor(vk.spec.input_shape, seed, 2.0f));
  EXPECT_TRUE(q.ok());
  return *q;
}

// x[1, dims[0]] -> Gemm -> (Relu) -> ... -> Gemm; ReLU after every hidden
// layer when `relu`, optional Flatten in front.
inline runtime::QuantizedModel RandomMlp(const std::vector<int64_t>& dims, uint32_t seed,
                                         bool relu = true, bool flatten = false) {
  runtime::testing::OnnxBuilder b;
  std::string x = "x";
  if (flatten) {
    b.Input("x", {-1, 1, dims[0]});
    b.Node("Flatten", {"x"}, {"xf"}, "flatten");
    x = "xf";
  } else {
    b.Input("x", {-1, dims[0]});
  }
  for (size_t i = 0; i + 1 < dims.size(); ++i) {
    std::string w = "w" + std::to_string(i), bias = "b" + std::to_string(i);
    std::string y = i + 2 == dims.size() ? "y" : "h" + std::to_string(i);
    b.RandomInit(w, {dims[i], dims[i + 1]}, 1.0f / std::sqrt(float(dims[i])), seed + 2 * i);
    b.RandomInit(bias, {dims[i + 1]}, 0.1f, seed + 2 * i + 1);
    b.Node("Gemm", {x, w, bias}, {relu && i + 2 < dims.size() ? y + "_pre" : y},
           "fc" + std::to_string(i));
    if (relu && i + 2 < dims.size()) b.Node("Relu", {y + "_pre"}, {y}, "relu" + std::to_string(i));
    x = y;
  }
  b.Output("y");
  auto m = runtime::Model::LoadBytes(b.Serialize());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  runtime::Shape in_shape = flatten ? runtime::Shape{4, 1, dims[0]} : runtime::Shape{4, dims[0]};
  std::vector<runtime::TensorMap> cal = {{{"x", RandomTensor(in_shape, seed + 100)}}};
  auto q = runtime::Quantize(**m, cal);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return *q;
}

// B = A with the first layer's weight row of input 0 negated: on an input
// with x_0 = 0 both models compute the same accumulators and outputs (the
// zero-knowledge distinguishing tests).
inline runtime::QuantizedModel NegateRowZero(const runtime::QuantizedModel& a) {
  const runtime::Int8Tensor& w = a.layers()[0].weight;
  int64_t n = w.shape[1];
  Bytes enc = a.CanonicalEncoding();
  const auto* wb = reinterpret_cast<const uint8_t*>(w.data.data());
  auto it = std::search(enc.begin(), enc.end(), wb, wb + w.data.size());
  EXPECT_NE(it, enc.end());
  for (int64_t j = 0; j < n; ++j) {
    auto v = static_cast<int8_t>(it[j]);
    it[j] = static_cast<uint8_t>(static_cast<int8_t>(-v));
  }
  auto b = runtime::QuantizedModel::Decode(enc);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return *b;
}

// Hiding Ligero at rate 1/4 (the PrivateWeights preset uses 1/8).
constexpr ZkmlParams HidingLigeroParams() {
  ZkmlParams p;
  p.pcs = PcsKind::kHidingLigero;
  p.hiding = true;
  return p;
}

// The zero-knowledge key of `kind` (kHidingLigero or kHidingBasefold) at its
// default rate.
constexpr ZkmlParams HidingParams(PcsKind kind) {
  ZkmlParams p;
  p.pcs = kind;
  p.hiding = true;
  return p;
}

}  // namespace vinet::zkml::testing

namespace vinet::zkml::testing {

// A small CNN described layer by layer, built through the runtime's ONNX
// loader and quantizer (tests only).
struct CnnBuilder {
  runtime::testing::OnnxBuilder b;
  runtime::Shape input;
  std::string x = "x";
  int64_t c = 0, h = 0, w = 0;
  uint32_t seed;
  int n = 0;

  CnnBuilder(int64_t channels, int64_t height, int64_t width, uint32_t s)
      : input{-1, channels, height, width}, c(channels), h(height), w(width), seed(s) {
    b.Input("x", input);
  }
  std::string Next() { return "t" + std::to_string(n++); }
  static int64_t Out(int64_t in, int64_t k, int64_t s, int64_t p0, int64_t p1, int64_t d) {
    return (in + p0 + p1 - d * (k - 1) - 1) / s + 1;
  }
  CnnBuilder& Conv(int64_t oc, int64_t k, int64_t stride = 1, int64_t pad = 0, int64_t dil = 1,
                   bool relu = false) {
    std::string wn = Next(), bn = Next(), y = Next();
    b.RandomInit(wn, {oc, c, k, k}, 1.0f / std::sqrt(float(c * k * k)), seed++);
    b.RandomInit(bn, {oc}, 0.1f, seed++);
    auto& node = b.Node("Conv", {x, wn, bn}, {y}, "conv" + std::to_string(n));
    runtime::testing::OnnxBuilder::Ints(node, "strides", {stride, stride});
    runtime::testing::OnnxBuilder::Ints(node, "pads", {pad, pad, pad, pad});
    runtime::testing::OnnxBuilder::Ints(node, "dilations", {dil, dil});
    h = Out(h, k, stride, pad, pad, dil), w = Out(w, k, stride, pad, pad, dil), c = oc;
    x = y;
    if (relu) Relu();
    return *this;
  }
  CnnBuilder& Relu() {
    std::string y = Next();
    b.Node("Relu", {x}, {y}, "relu" + std::to_string(n));
    x = y;
    return *this;
  }
  CnnBuilder& Pool(const std::string& op, int64_t k, int64_t stride, int64_t pad = 0,
                   bool include_pad = false, bool ceil_mode = false) {
    std::string y = Next();
    auto& node = b.Node(op, {x}, {y}, "pool" + std::to_string(n));
    runtime::testing::OnnxBuilder::Ints(node, "kernel_shape", {k, k});
    runtime::testing::OnnxBuilder::Ints(node, "strides", {stride, stride});
    runtime::testing::OnnxBuilder::Ints(node, "pads", {pad, pad, pad, pad});
    if (include_pad) runtime::testing::OnnxBuilder::Int(node, "count_include_pad", 1);
    if (ceil_mode) {
      runtime::testing::OnnxBuilder::Int(node, "ceil_mode", 1);
      auto ceil_out = [&](int64_t in) {
        int64_t o = (in + 2 * pad - k + stride - 1) / stride + 1;
        return (o - 1) * stride >= in + pad ? o - 1 : o;
      };
      h = ceil_out(h), w = ceil_out(w);
    } else {
      h = Out(h, k, stride, pad, pad, 1), w = Out(w, k, stride, pad, pad, 1);
    }
    x = y;
    return *this;
  }
  CnnBuilder& GlobalAvg() {
    std::string y = Next();
    b.Node("GlobalAveragePool", {x}, {y}, "gap" + std::to_string(n));
    h = w = 1;
    x = y;
    return *this;
  }
  // x -> conv(3x3, pad 1) -> relu -> conv(3x3, pad 1) -> add(x) -> relu.
  CnnBuilder& Residual() {
    std::string skip = x;
    Conv(c, 3, 1, 1, 1, true).Conv(c, 3, 1, 1);
    std::string y = Next();
    b.Node("Add", {x, skip}, {y}, "add" + std::to_string(n));
    x = y;
    return Relu();
  }
  CnnBuilder& Dense(int64_t out, bool relu = false) {
    std::string f = Next(), wn = Next(), bn = Next(), y = Next();
    b.Node("Flatten", {x}, {f}, "flatten" + std::to_string(n));
    int64_t k = c * h * w;
    b.RandomInit(wn, {out, k}, 1.0f / std::sqrt(float(k)), seed++);
    b.RandomInit(bn, {out}, 0.1f, seed++);
    auto& node = b.Node("Gemm", {f, wn, bn}, {y}, "fc" + std::to_string(n));
    runtime::testing::OnnxBuilder::Int(node, "transB", 1);
    c = 1, h = 1, w = out;
    x = y;
    if (relu) Relu();
    return *this;
  }
  runtime::QuantizedModel Build() {
    b.Output(x);
    auto m = runtime::Model::LoadBytes(b.Serialize());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    runtime::Shape s = input;
    s[0] = 4;
    std::vector<runtime::TensorMap> cal = {{{"x", RandomTensor(s, seed + 100)}}};
    auto q = runtime::Quantize(**m, cal);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    return *q;
  }
};

// conv+ReLU → max-pool → conv → avg-pool (padded) → residual (conv-relu-conv
// + Add + ReLU) → dense: every layer kind the circuit proves.
inline runtime::QuantizedModel EveryLayerKind() {
  return CnnBuilder(1, 8, 8, 21)
      .Conv(2, 3, 1, 1, 1, true)
      .Pool("MaxPool", 2, 2)
      .Conv(3, 3, 1, 1)
      .Pool("AveragePool", 3, 1, 1, true)
      .Residual()
      .Dense(4)
      .Build();
}

// The model with layer `li`'s weight `at` moved by one (within int8),
// rebuilt through the canonical encoding.
inline runtime::QuantizedModel WithWeightChanged(const runtime::QuantizedModel& m, size_t li,
                                                 size_t at) {
  const std::vector<int8_t>& w = m.layers()[li].weight.data;
  Bytes enc = m.CanonicalEncoding();
  size_t n = std::min<size_t>(w.size(), 64);
  auto hit = std::search(enc.begin(), enc.end(), reinterpret_cast<const uint8_t*>(w.data()),
                         reinterpret_cast<const uint8_t*>(w.data()) + n);
  EXPECT_NE(hit, enc.end());
  size_t pos = static_cast<size_t>(hit - enc.begin()) + at;
  int8_t v = static_cast<int8_t>(enc[pos]);
  enc[pos] = static_cast<uint8_t>(v >= 100 ? v - 1 : v + 1);
  auto out = runtime::QuantizedModel::Decode(enc);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NE(out->layers()[li].weight.data, w);
  return *out;
}

// The adaptive cheater of adaptive_cheat_test.cpp: proves `in` with
// `other`'s model, weights and witness under the honest key and the honest
// commitment's prover data (its openings are of the honest weights), and
// expects the honest verifier to reject at the check named by `caught_at`
// (a message prefix such as "weight opening: "). Returns the cheater's proof.
inline std::optional<Proved> ExpectCheatCaughtAt(const Committed& honest, const Committed& other,
                                                 const runtime::Int8Tensor& in,
                                                 const std::string& caught_at) {
  ProverPackage cheat = *other.package;
  cheat.vk = honest.vk;
  cheat.committed = honest.package->committed;
  auto p = Prove(cheat, in);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return std::nullopt;
  Status st = Verify(honest.vk, in, p->output, p->proof);
  EXPECT_EQ(st.code(), Code::kVerification) << st.ToString();
  EXPECT_EQ(st.message().rfind(caught_at, 0), 0u)
      << "caught before the commitment check: " << st.message();
  return std::move(*p);
}

// Flips one bit at each of the first `dense` byte positions of `proof`, then
// at every (size / spread)-th position after (dense 0: the stride throughout);
// `verify` must reject every flipped proof with kParse or kVerification.
// Returns how many positions were flipped.
inline size_t ExpectEveryFlipRejected(const Bytes& proof, size_t dense, size_t spread,
                                      const std::function<Status(const Bytes&)>& verify) {
  size_t stride = std::max<size_t>(1, proof.size() / spread);
  size_t flips = 0;
  for (size_t i = 0; i < proof.size(); i += (i < dense ? 1 : stride)) {
    Bytes b = proof;
    b[i] ^= static_cast<uint8_t>(1u << (i % 8));
    Status st = verify(b);
    EXPECT_TRUE(st.code() == Code::kParse || st.code() == Code::kVerification)
        << "byte " << i << " of " << proof.size() << ": " << st.ToString();
    ++flips;
  }
  return flips;
}

// Proves `in` under `c` for a distinguishing test between two models: the
// first call records the output in `*output`, every later call must give the
// same one (the two models agree on this input). Empty on failure.
inline std::optional<Proved> ProveSameOutput(const Committed& c, const runtime::Int8Tensor& in,
                                             std::vector<int8_t>* output) {
  auto p = Prove(*c.package, in);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return std::nullopt;
  if (output->empty()) *output = p->output.data;
  EXPECT_EQ(p->output.data, *output);
  if (p->output.data != *output) return std::nullopt;
  return std::move(*p);
}

}  // namespace vinet::zkml::testing
