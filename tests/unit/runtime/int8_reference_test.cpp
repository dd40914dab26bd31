// The int8 path against an independent, deliberately naive C++ reference of
// the integer semantics documented in quantized.h / docs/runtime.md: direct
// loops (no im2col, no blocking), floor division written out instead of
// shifts. The reference replays the model from the int8 input on its own
// outputs; every layer's output and accumulator must match bit for bit.
#include <gtest/gtest.h>

#include <random>

#include "onnx_builder.h"
#include "vinet/runtime/quantized.h"

namespace vinet::runtime {
namespace {

using testing::OnnxBuilder;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int8_t Requant(int64_t acc, int64_t m, int s) {
  int64_t two_s = int64_t{1} << s;
  int64_t v = FloorDiv(acc * m + two_s / 2, two_s);
  return static_cast<int8_t>(std::min<int64_t>(127, std::max<int64_t>(-127, v)));
}

struct RefOut {
  Shape shape;
  std::vector<int8_t> q;
  std::vector<int64_t> acc;
};

int64_t Pick(const std::vector<int64_t>& v, size_t i, int64_t d) {
  return v.empty() ? d : v[i];
}

RefOut RefConv(const QLayer& l, const Shape& xs, const std::vector<int8_t>& x) {
  int64_t n = xs[0], c = xs[1], h = xs[2], w = xs[3];
  int64_t oc = l.weight.shape[0], cg = l.weight.shape[1], kh = l.weight.shape[2],
          kw = l.weight.shape[3];
  int64_t g = l.attrs.group, ocg = oc / g;
  int64_t sh = Pick(l.attrs.strides, 0, 1), sw = Pick(l.attrs.strides, 1, 1);
  int64_t dh = Pick(l.attrs.dilations, 0, 1), dw = Pick(l.attrs.dilations, 1, 1);
  int64_t pt = Pick(l.attrs.pads, 0, 0), pl = Pick(l.attrs.pads, 1, 0);
  int64_t pb = Pick(l.attrs.pads, 2, 0), pr = Pick(l.attrs.pads, 3, 0);
  int64_t oh = (h + pt + pb - (kh - 1) * dh - 1) / sh + 1,
          ow = (w + pl + pr - (kw - 1) * dw - 1) / sw + 1;
  RefOut r{{n, oc, oh, ow}, {}, {}};
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          int64_t acc = l.bias.empty() ? 0 : l.bias[o];
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t ih = y * sh - pt + i * dh, iw = z * sw - pl + j * dw;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                int64_t ch = (o / ocg) * cg + ci;
                acc += int64_t{x[((b * c + ch) * h + ih) * w + iw]} *
                       l.weight.data[((o * cg + ci) * kh + i) * kw + j];
              }
          r.acc.push_back(acc);
          r.q.push_back(Requant(acc, l.multiplier, l.shift));
        }
  return r;
}

RefOut RefLinear(const QLayer& l, const Shape& xs, const std::vector<int8_t>& x) {
  int64_t k = l.weight.shape[0], n = l.weight.shape[1], m = static_cast<int64_t>(x.size()) / k;
  RefOut r{xs, {}, {}};
  r.shape.back() = n;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t acc = l.bias.empty() ? 0 : l.bias[j];
      for (int64_t p = 0; p < k; ++p) acc += int64_t{x[i * k + p]} * l.weight.data[p * n + j];
      r.acc.push_back(acc);
      r.q.push_back(Requant(acc, l.multiplier, l.shift));
    }
  return r;
}

RefOut RefPool(const QLayer& l, const Shape& xs, const std::vector<int8_t>& x) {
  int64_t n = xs[0], c = xs[1], h = xs[2], w = xs[3];
  bool global = l.op == QOp::kGlobalAveragePool;
  int64_t kh = global ? h : l.attrs.kernel[0], kw = global ? w : l.attrs.kernel[1];
  int64_t sh = Pick(l.attrs.strides, 0, 1), sw = Pick(l.attrs.strides, 1, 1);
  int64_t pt = Pick(l.attrs.pads, 0, 0), pl = Pick(l.attrs.pads, 1, 0);
  int64_t pb = Pick(l.attrs.pads, 2, 0), pr = Pick(l.attrs.pads, 3, 0);
  if (global) pt = pl = pb = pr = 0, sh = sw = 1;
  int64_t oh = (h + pt + pb - kh) / sh + 1, ow = (w + pl + pr - kw) / sw + 1;
  RefOut r{{n, c, oh, ow}, {}, {}};
  for (int64_t p = 0; p < n * c; ++p)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t z = 0; z < ow; ++z) {
        int64_t mx = -127, sum = 0, cnt = 0;
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j) {
            int64_t ih = y * sh - pt + i, iw = z * sw - pl + j;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            int64_t v = x[(p * h + ih) * w + iw];
            mx = std::max(mx, v);
            sum += v;
            ++cnt;
          }
        if (l.op == QOp::kMaxPool) {
          r.q.push_back(static_cast<int8_t>(mx));
        } else {
          int64_t mk = ((int64_t{1} << 20) + cnt / 2) / cnt;  // documented: round(2^20 / k)
          r.acc.push_back(sum);
          r.q.push_back(Requant(sum, mk, 20));
        }
      }
  return r;
}

// Replays `q` from `input` with the reference and compares with the witness.
void CheckAgainstReference(const QuantizedModel& q, const Int8Tensor& input) {
  Witness w;
  auto out = q.Run(input, &w);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(w.layers.size(), q.layers().size());
  std::vector<RefOut> vals(q.tensors().size());
  vals[q.input()] = RefOut{input.shape, input.data, {}};
  for (size_t i = 0; i < q.layers().size(); ++i) {
    const QLayer& l = q.layers()[i];
    const RefOut& x = vals[l.inputs[0]];
    RefOut r;
    switch (l.op) {
      case QOp::kConv:
        r = RefConv(l, x.shape, x.q);
        break;
      case QOp::kLinear:
        r = RefLinear(l, x.shape, x.q);
        break;
      case QOp::kMaxPool:
      case QOp::kAveragePool:
      case QOp::kGlobalAveragePool:
        r = RefPool(l, x.shape, x.q);
        break;
      case QOp::kRelu:
        r = RefOut{x.shape, x.q, {}};
        for (auto& v : r.q) v = v < 0 ? 0 : v;
        break;
      case QOp::kReshape:
        r = RefOut{w.layers[i].output.shape, x.q, {}};
        break;
      case QOp::kAdd: {
        const RefOut& b = vals[l.inputs[1]];
        r.shape = x.shape;
        for (size_t j = 0; j < x.q.size(); ++j) {
          int64_t acc = int64_t{x.q[j]} * l.multiplier + int64_t{b.q[j]} * l.multiplier_b;
          r.acc.push_back(acc);
          r.q.push_back(Requant(acc, 1, l.shift));
        }
        break;
      }
    }
    EXPECT_EQ(r.shape, w.layers[i].output.shape) << "layer " << i << " " << l.name;
    EXPECT_EQ(r.q, w.layers[i].output.data) << "layer " << i << " " << l.name;
    EXPECT_EQ(r.acc, w.layers[i].accumulator.data) << "layer " << i << " " << l.name;
    for (int64_t a : r.acc) {
      EXPECT_LE(std::abs(a), l.max_abs_accumulator) << "layer " << i << " bound";
    }
    vals[l.output] = std::move(r);
  }
  EXPECT_EQ(vals[q.output()].q, out->data);
}

Tensor Random(const Shape& s, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, scale);
  Tensor t{s, std::vector<float>(NumElements(s))};
  for (float& v : t.data) v = d(rng);
  return t;
}

std::shared_ptr<const Model> LoadModel(const OnnxBuilder& b) {
  auto m = Model::LoadBytes(b.Serialize());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

QuantizedModel QuantizeWith(const Model& m, const Shape& sample, int n) {
  std::vector<TensorMap> cal;
  for (int i = 0; i < n; ++i) cal.push_back({{m.inputs()[0].name, Random(sample, 100 + i)}});
  auto q = Quantize(m, cal);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return *q;
}

TEST(Int8Reference, SmallCnnMatchesBitForBit) {
  auto model = LoadModel(testing::SmallCnn(3));
  QuantizedModel q = QuantizeWith(*model, {4, 1, 8, 8}, 4);
  for (uint32_t seed : {1u, 2u, 3u}) {
    auto in = q.QuantizeInput(Random({3, 1, 8, 8}, seed, 1.5f));
    ASSERT_TRUE(in.ok());
    CheckAgainstReference(q, *in);
  }
}

TEST(Int8Reference, MlpMatchesBitForBitIncludingSaturation) {
  OnnxBuilder b;
  b.Input("x", {-1, 20}).Output("y");
  b.RandomInit("w1", {16, 20}, 0.5f, 1).RandomInit("b1", {16}, 0.2f, 2);
  b.RandomInit("w2", {20 - 4, 6}, 0.5f, 3).RandomInit("b2", {6}, 0.2f, 4);
  auto& g1 = b.Node("Gemm", {"x", "w1", "b1"}, {"h"}, "fc1");
  OnnxBuilder::Int(g1, "transB", 1);
  b.Node("Relu", {"h"}, {"r"}, "relu");
  b.Node("Gemm", {"r", "w2", "b2"}, {"y"}, "fc2");
  auto model = LoadModel(b);
  QuantizedModel q = QuantizeWith(*model, {8, 20}, 2);
  // Inputs 3x larger than calibration saturate the clamps.
  auto in = q.QuantizeInput(Random({5, 20}, 7, 3.0f));
  ASSERT_TRUE(in.ok());
  CheckAgainstReference(q, *in);
}

TEST(Int8, DeterministicAcrossRunsThreadsAndBatching) {
  auto model = LoadModel(testing::SmallCnn(4));
  QuantizedModel q = QuantizeWith(*model, {2, 1, 8, 8}, 3);
  auto in = *q.QuantizeInput(Random({4, 1, 8, 8}, 11));
  auto first = q.Run(in);
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(q.Run(in)->data, first->data);
  std::vector<std::thread> threads;
  std::vector<bool> same(4, false);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] { same[t] = q.Run(in)->data == first->data; });
  for (auto& th : threads) th.join();
  for (bool s : same) EXPECT_TRUE(s);
  // Row i of a batch equals the run of row i alone.
  int64_t per_in = 64, per_out = 5;
  for (int i = 0; i < 4; ++i) {
    Int8Tensor one{
        {1, 1, 8, 8},
        std::vector<int8_t>(in.data.begin() + i * per_in, in.data.begin() + (i + 1) * per_in)};
    auto r = q.Run(one);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->data, std::vector<int8_t>(first->data.begin() + i * per_out,
                                           first->data.begin() + (i + 1) * per_out));
  }
}

TEST(Int8, RequantParametersAreDocumentedRange) {
  auto model = LoadModel(testing::SmallCnn(5));
  QuantizedModel q = QuantizeWith(*model, {2, 1, 8, 8}, 2);
  for (const QLayer& l : q.layers()) {
    if (l.op != QOp::kConv && l.op != QOp::kLinear) continue;
    EXPECT_GE(l.multiplier, 1 << 15) << l.name;
    EXPECT_LT(l.multiplier, 1 << 16) << l.name;
    EXPECT_GE(l.shift, 1);
    double ratio = q.tensors()[l.inputs[0]].scale * static_cast<double>(l.weight_scale) /
                   q.tensors()[l.output].scale;
    EXPECT_NEAR(l.multiplier / std::ldexp(1.0, l.shift), ratio, ratio * std::ldexp(1.0, -15));
    // The prover's field bound: max|acc| · M + 2^s < p / 2.
    EXPECT_LT(static_cast<double>(l.max_abs_accumulator) * l.multiplier + std::ldexp(1.0, l.shift),
              9.2e18);
  }
  // The encoding (and id) is a function of the quantized model only.
  QuantizedModel again = QuantizeWith(*model, {2, 1, 8, 8}, 2);
  EXPECT_EQ(q.Id(), again.Id());
  QuantizedModel other = QuantizeWith(*model, {2, 1, 8, 8}, 3);
  EXPECT_NE(q.Id(), other.Id());
}

TEST(Int8, UnsupportedOpsAreNamed) {
  OnnxBuilder b;
  b.Input("x", {-1, 4}).Output("y");
  b.Node("Sigmoid", {"x"}, {"y"}, "squash");
  auto model = LoadModel(b);
  std::vector<TensorMap> cal{{{"x", Random({2, 4}, 1)}}};
  auto q = Quantize(*model, cal);
  EXPECT_EQ(q.status().code(), Code::kUnsupported);
  EXPECT_NE(q.status().message().find("'squash' (Sigmoid)"), std::string::npos)
      << q.status().message();
  EXPECT_EQ(Quantize(*model, {}).status().code(), Code::kInvalidArgument);
}

TEST(Int8, RejectsBadInputs) {
  auto model = LoadModel(testing::SmallCnn(6));
  QuantizedModel q = QuantizeWith(*model, {1, 1, 8, 8}, 1);
  EXPECT_FALSE(q.QuantizeInput(Random({1, 1, 7, 8}, 1)).ok());
  Tensor nan = Random({1, 1, 8, 8}, 1);
  nan.data[3] = std::nanf("");
  EXPECT_FALSE(q.QuantizeInput(nan).ok());
  Int8Tensor bad{{1, 1, 8, 8}, std::vector<int8_t>(64, -128)};
  EXPECT_FALSE(q.Run(bad).ok());
}

}  // namespace
}  // namespace vinet::runtime

namespace vinet::runtime {
namespace {

TEST(QuantizedEncoding, DecodeRoundTripsAndRunsIdentically) {
  auto model = LoadModel(testing::SmallCnn(8));
  QuantizedModel q = QuantizeWith(*model, {2, 1, 8, 8}, 2);
  Bytes enc = q.CanonicalEncoding();
  auto d = QuantizedModel::Decode(enc);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->CanonicalEncoding(), enc);
  EXPECT_EQ(d->Id(), q.Id());
  auto in = *q.QuantizeInput(Random({2, 1, 8, 8}, 3));
  EXPECT_EQ(d->Run(in)->data, q.Run(in)->data);
  for (size_t i = 0; i < q.layers().size(); ++i) {
    EXPECT_EQ(d->layers()[i].max_abs_accumulator, q.layers()[i].max_abs_accumulator) << i;
  }
}

TEST(QuantizedEncoding, DecodeRejectsTruncationTrailingBytesAndBadFields) {
  auto model = LoadModel(testing::SmallCnn(9));
  Bytes enc = QuantizeWith(*model, {1, 1, 8, 8}, 1).CanonicalEncoding();
  for (size_t cut : {size_t{0}, size_t{3}, enc.size() / 2, enc.size() - 1}) {
    auto r = QuantizedModel::Decode(ByteSpan(enc.data(), cut));
    EXPECT_EQ(r.status().code(), Code::kParse) << cut;
    EXPECT_NE(r.status().message().find("byte offset"), std::string::npos) << r.status().message();
  }
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_NE(QuantizedModel::Decode(trailing).status().message().find("trailing"),
            std::string::npos);
  Bytes bad_domain = enc;
  bad_domain[4] ^= 1;
  EXPECT_EQ(QuantizedModel::Decode(bad_domain).status().code(), Code::kParse);
  // Flipping any single byte either fails to decode or changes the encoding.
  for (size_t i = 0; i < enc.size(); i += 7) {
    Bytes flipped = enc;
    flipped[i] ^= 0x5a;
    auto r = QuantizedModel::Decode(flipped);
    if (r.ok()) {
      EXPECT_EQ(r->CanonicalEncoding(), flipped) << i;
    }
  }
}

}  // namespace
}  // namespace vinet::runtime
