// Integer execution of a QuantizedModel, witness recording and encoding.
#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "runtime/int8_kernels.h"
#include "runtime/requant.h"
#include "runtime/shape_inference.h"
#include "vinet/runtime/quantized.h"

namespace vinet::runtime {

std::string_view QOpName(QOp op) {
  switch (op) {
    case QOp::kLinear:
      return "Linear";
    case QOp::kConv:
      return "Conv";
    case QOp::kRelu:
      return "Relu";
    case QOp::kMaxPool:
      return "MaxPool";
    case QOp::kAveragePool:
      return "AveragePool";
    case QOp::kGlobalAveragePool:
      return "GlobalAveragePool";
    case QOp::kReshape:
      return "Reshape";
    case QOp::kAdd:
      return "Add";
  }
  return "?";
}

namespace {

using detail::Requantize;

struct LayerResult {
  Int8Tensor out;
  std::vector<int64_t> acc;  // filled for requantizing layers
};

Result<LayerResult> RunLinear(const QLayer& l, const Int8Tensor& x) {
  int64_t k = l.weight.shape[0], n = l.weight.shape[1];
  if (x.shape.empty() || x.shape.back() != k) {
    return Error(Code::kInvalidArgument, fmt::format("layer '{}': input {} does not end in K={}",
                                                     l.name, ShapeToString(x.shape), k));
  }
  int64_t m = NumElements(x.shape) / k;
  std::vector<int32_t> acc(m * n);
  detail::Int8GemmBiasCols(m, n, k, x.data.data(), l.weight.data.data(),
                           l.bias.empty() ? nullptr : l.bias.data(), acc.data());
  LayerResult r;
  r.out.shape = x.shape;
  r.out.shape.back() = n;
  r.out.data.resize(acc.size());
  r.acc.assign(acc.begin(), acc.end());
  for (size_t i = 0; i < acc.size(); ++i) {
    r.out.data[i] = static_cast<int8_t>(Requantize(acc[i], l.multiplier, l.shift));
  }
  return r;
}

Result<LayerResult> RunConv(const QLayer& l, const Int8Tensor& x) {
  auto geo = detail::ConvGeometry(l.attrs, x.shape, l.weight.shape);
  if (!geo.ok()) return geo.status().WithContext("layer '" + l.name + "'");
  const detail::WindowGeom& g = *geo;
  std::vector<int8_t> col((g.c / g.group) * g.kh * g.kw * g.oh * g.ow);
  std::vector<int32_t> acc(g.n * g.oc * g.oh * g.ow);
  detail::Int8Conv(g, x.data.data(), l.weight.data.data(), l.bias.empty() ? nullptr : l.bias.data(),
                   col.data(), acc.data());
  LayerResult r;
  r.out.shape = {g.n, g.oc, g.oh, g.ow};
  r.out.data.resize(acc.size());
  r.acc.assign(acc.begin(), acc.end());
  for (size_t i = 0; i < acc.size(); ++i) {
    r.out.data[i] = static_cast<int8_t>(Requantize(acc[i], l.multiplier, l.shift));
  }
  return r;
}

Result<LayerResult> RunPool(const QLayer& l, const Int8Tensor& x) {
  detail::WindowGeom g;
  if (l.op == QOp::kGlobalAveragePool) {
    if (x.shape.size() != 4)
      return Error(Code::kInvalidArgument, "layer '" + l.name + "': needs NCHW");
    g.n = x.shape[0], g.c = x.shape[1], g.h = x.shape[2], g.w = x.shape[3];
    g.kh = g.h, g.kw = g.w, g.oh = 1, g.ow = 1;
  } else {
    auto geo = detail::PoolGeometry(l.attrs, x.shape);
    if (!geo.ok()) return geo.status().WithContext("layer '" + l.name + "'");
    g = *geo;
  }
  bool is_max = l.op == QOp::kMaxPool;
  LayerResult r;
  r.out.shape = {g.n, g.c, g.oh, g.ow};
  r.out.data.resize(g.n * g.c * g.oh * g.ow);
  if (!is_max) r.acc.resize(r.out.data.size());
  for (int64_t nc = 0; nc < g.n * g.c; ++nc) {
    const int8_t* xc = x.data.data() + nc * g.h * g.w;
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        int64_t h0 = oh * g.sh - g.pt, w0 = ow * g.sw - g.pl;
        int32_t mx = kQMin;
        int64_t sum = 0, valid = 0, padded = 0;
        for (int64_t i = 0; i < g.kh; ++i) {
          int64_t ih = h0 + i * g.dh;
          if (ih >= g.h + g.pb) break;
          for (int64_t j = 0; j < g.kw; ++j) {
            int64_t iw = w0 + j * g.dw;
            if (iw >= g.w + g.pr) break;
            ++padded;
            if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
            int32_t v = xc[ih * g.w + iw];
            ++valid;
            mx = std::max(mx, v);
            sum += v;
          }
        }
        int64_t o = (nc * g.oh + oh) * g.ow + ow;
        if (is_max) {
          r.out.data[o] = static_cast<int8_t>(mx);
        } else {
          int64_t k = l.attrs.count_include_pad && l.op == QOp::kAveragePool ? padded : valid;
          r.acc[o] = sum;
          r.out.data[o] = static_cast<int8_t>(
              k > 0 ? Requantize(sum, detail::PoolMultiplier(k), detail::kPoolShift) : 0);
        }
      }
    }
  }
  return r;
}

Result<LayerResult> RunLayer(const QLayer& l, const std::vector<Int8Tensor>& values) {
  const Int8Tensor& x = values[l.inputs[0]];
  switch (l.op) {
    case QOp::kLinear:
      return RunLinear(l, x);
    case QOp::kConv:
      return RunConv(l, x);
    case QOp::kMaxPool:
    case QOp::kAveragePool:
    case QOp::kGlobalAveragePool:
      return RunPool(l, x);
    case QOp::kRelu: {
      LayerResult r{x, {}};
      for (auto& v : r.out.data) v = std::max<int8_t>(v, 0);
      return r;
    }
    case QOp::kReshape: {
      Node n;
      n.op = l.source_op;
      n.name = l.name;
      n.attrs = l.attrs;
      VINET_ASSIGN_OR_RETURN(Shape s, detail::InferNodeShape(n, {&x.shape}));
      return LayerResult{Int8Tensor{s, x.data}, {}};
    }
    case QOp::kAdd: {
      const Int8Tensor& b = values[l.inputs[1]];
      if (b.shape != x.shape) {
        return Error(Code::kInvalidArgument, "layer '" + l.name + "': Add inputs differ in shape");
      }
      LayerResult r;
      r.out.shape = x.shape;
      r.out.data.resize(x.data.size());
      r.acc.resize(x.data.size());
      for (size_t i = 0; i < x.data.size(); ++i) {
        int64_t acc = int64_t{x.data[i]} * l.multiplier + int64_t{b.data[i]} * l.multiplier_b;
        r.acc[i] = acc;
        r.out.data[i] = static_cast<int8_t>(Requantize(acc, 1, l.shift));
      }
      return r;
    }
  }
  return Error(Code::kInternal, "unknown layer op");
}

}  // namespace

Result<Int8Tensor> QuantizedModel::QuantizeInput(const Tensor& x) const {
  const QTensor& t = tensors_[input_];
  bool ok = x.shape.size() == t.shape.size() && !x.shape.empty() && x.shape[0] >= 1 &&
            static_cast<int64_t>(x.data.size()) == NumElements(x.shape);
  for (size_t d = 1; ok && d < x.shape.size(); ++d) ok = x.shape[d] == t.shape[d];
  if (!ok) {
    return Error(Code::kInvalidArgument,
                 fmt::format("input '{}': shape {} does not match {} (any batch size)", t.name,
                             ShapeToString(x.shape), ShapeToString(t.shape)));
  }
  Int8Tensor q{x.shape, std::vector<int8_t>(x.data.size())};
  for (size_t i = 0; i < x.data.size(); ++i) {
    if (!std::isfinite(x.data[i])) {
      return Error(Code::kInvalidArgument,
                   fmt::format("input '{}': element {} is not finite", t.name, i));
    }
    float r = std::round(x.data[i] / t.scale);
    q.data[i] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
  return q;
}

Tensor QuantizedModel::DequantizeOutput(const Int8Tensor& q) const {
  float s = tensors_[output_].scale;
  Tensor t{q.shape, std::vector<float>(q.data.size())};
  for (size_t i = 0; i < q.data.size(); ++i) t.data[i] = static_cast<float>(q.data[i]) * s;
  return t;
}

Result<Int8Tensor> QuantizedModel::Run(const Int8Tensor& input, Witness* witness) const {
  const QTensor& t = tensors_[input_];
  bool ok = input.shape.size() == t.shape.size() && !input.shape.empty() && input.shape[0] >= 1 &&
            static_cast<int64_t>(input.data.size()) == NumElements(input.shape);
  for (size_t d = 1; ok && d < input.shape.size(); ++d) ok = input.shape[d] == t.shape[d];
  for (int8_t v : input.data) ok = ok && v >= kQMin;
  if (!ok) {
    return Error(Code::kInvalidArgument,
                 fmt::format("int8 input '{}': shape {} (or a value -128) does "
                             "not fit the model",
                             t.name, ShapeToString(input.shape)));
  }
  std::vector<Int8Tensor> values(tensors_.size());
  values[input_] = input;
  if (witness) {
    witness->input = input;
    witness->layers.clear();
  }
  for (const QLayer& l : layers_) {
    VINET_ASSIGN_OR_RETURN(LayerResult r, RunLayer(l, values));
    if (witness) {
      LayerTrace tr;
      tr.output = r.out;
      if (!r.acc.empty()) tr.accumulator = Int64Tensor{r.out.shape, std::move(r.acc)};
      witness->layers.push_back(std::move(tr));
    }
    values[l.output] = std::move(r.out);
  }
  return values[output_];
}

Result<Tensor> QuantizedModel::RunFloat(const Tensor& x) const {
  VINET_ASSIGN_OR_RETURN(Int8Tensor q, QuantizeInput(x));
  VINET_ASSIGN_OR_RETURN(Int8Tensor y, Run(q));
  return DequantizeOutput(y);
}

Bytes QuantizedModel::CanonicalEncoding() const {
  Bytes out;
  auto str = [&](std::string_view s) { AppendLengthPrefixed(out, AsBytes(s)); };
  auto u32 = [&](uint64_t v) { AppendU32BE(out, static_cast<uint32_t>(v)); };
  auto i64 = [&](int64_t v) { AppendU64BE(out, static_cast<uint64_t>(v)); };
  auto f32 = [&](float v) { AppendU32BE(out, std::bit_cast<uint32_t>(v)); };
  auto ints = [&](const std::vector<int64_t>& v) {
    u32(v.size());
    for (int64_t x : v) i64(x);
  };
  str("vinet.qmodel.v1");
  u32(tensors_.size());
  for (const QTensor& t : tensors_) {
    str(t.name);
    ints(t.shape);
    f32(t.scale);
  }
  u32(static_cast<uint64_t>(input_));
  u32(static_cast<uint64_t>(output_));
  u32(layers_.size());
  for (const QLayer& l : layers_) {
    str(QOpName(l.op));
    str(OpTypeName(l.source_op));
    str(l.name);
    u32(l.inputs.size());
    for (int i : l.inputs) u32(static_cast<uint64_t>(i));
    u32(static_cast<uint64_t>(l.output));
    ints(l.weight.shape);
    out.insert(out.end(), reinterpret_cast<const uint8_t*>(l.weight.data.data()),
               reinterpret_cast<const uint8_t*>(l.weight.data.data()) + l.weight.data.size());
    f32(l.weight_scale);
    u32(l.bias.size());
    for (int32_t b : l.bias) i64(b);
    i64(l.multiplier);
    i64(l.multiplier_b);
    i64(l.shift);
    const Attrs& a = l.attrs;
    ints(a.kernel);
    ints(a.strides);
    ints(a.pads);
    ints(a.dilations);
    i64(a.group);
    i64(a.ceil_mode);
    i64(a.count_include_pad);
    i64(a.axis);
    ints(a.shape);
    i64(a.allowzero);
  }
  return out;
}

crypto::Digest256 QuantizedModel::Id() const {
  return crypto::Sha256(CanonicalEncoding());
}

Result<AccuracyReport> CompareWithFloat(const Model& model, const QuantizedModel& q,
                                        std::span<const TensorMap> data) {
  AccuracyReport rep;
  // Non-owning handle: `model` outlives this function's context.
  ExecutionContext ctx(std::shared_ptr<const Model>(std::shared_ptr<const Model>{}, &model));
  int64_t agree = 0;
  for (const TensorMap& sample : data) {
    VINET_ASSIGN_OR_RETURN(TensorMap f, ctx.Run(sample));
    const Tensor& ref = f.begin()->second;
    const Tensor& x = sample.at(model.inputs()[0].name);
    VINET_ASSIGN_OR_RETURN(Tensor got, q.RunFloat(x));
    int64_t batch = ref.shape.empty() ? 1 : ref.shape[0];
    int64_t per = batch > 0 ? NumElements(ref.shape) / batch : 0;
    for (int64_t b = 0; b < batch; ++b) {
      auto rb = ref.data.begin() + b * per;
      auto gb = got.data.begin() + b * per;
      agree += (std::max_element(rb, rb + per) - rb) == (std::max_element(gb, gb + per) - gb);
      for (int64_t i = 0; i < per; ++i) {
        rep.max_abs_error =
            std::max(rep.max_abs_error, static_cast<double>(std::fabs(rb[i] - gb[i])));
        rep.output_scale = std::max(rep.output_scale, static_cast<double>(std::fabs(rb[i])));
      }
    }
    rep.samples += batch;
  }
  rep.argmax_agreement = rep.samples ? static_cast<double>(agree) / rep.samples : 0.0;
  return rep;
}

}  // namespace vinet::runtime
