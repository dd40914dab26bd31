// Post-training quantization: calibrate ranges, then map IR nodes to layers.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "runtime/reference_executor.h"
#include "runtime/requant.h"
#include "runtime/shape_inference.h"
#include "vinet/runtime/quantized.h"

namespace vinet::runtime {
namespace {

struct Range {
  float max_abs = 0.0f;
  float max_pos = 0.0f;
};

Result<std::vector<Range>> Calibrate(const Graph& g, std::span<const TensorMap> data) {
  std::vector<Range> ranges(g.values.size());
  for (const TensorMap& sample : data) {
    VINET_ASSIGN_OR_RETURN(std::vector<Tensor> values, detail::EvaluateAll(g, sample));
    for (size_t v = 0; v < values.size(); ++v) {
      for (float x : values[v].data) {
        ranges[v].max_abs = std::max(ranges[v].max_abs, std::fabs(x));
        ranges[v].max_pos = std::max(ranges[v].max_pos, x);
      }
    }
  }
  return ranges;
}

float ScaleFor(float max_value) {
  return max_value > 0.0f ? max_value / 127.0f : 1.0f / 127.0f;
}

Result<Int8Tensor> QuantizeWeights(const Tensor& w, float& scale) {
  float mx = 0.0f;
  for (float v : w.data) {
    if (!std::isfinite(v)) return Error(Code::kInvalidArgument, "weights must be finite");
    mx = std::max(mx, std::fabs(v));
  }
  scale = ScaleFor(mx);
  Int8Tensor q{w.shape, std::vector<int8_t>(w.data.size())};
  for (size_t i = 0; i < w.data.size(); ++i) {
    float r = std::round(w.data[i] / scale);
    q.data[i] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
  return q;
}

}  // namespace

namespace detail {

class QuantizeBuilder {
 public:
  QuantizeBuilder(const Graph& g, std::vector<Range> ranges, const std::vector<Shape>& shapes)
      : g_(g),
        ranges_(std::move(ranges)),
        shapes_(shapes),
        tensor_of_(g.values.size(), -1),
        uses_(g.values.size(), 0),
        consumer_(g.values.size(), -1) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      for (int v : g.nodes[i].inputs) {
        if (v >= 0) ++uses_[v], consumer_[v] = static_cast<int>(i);
      }
    }
    for (int v : g.outputs) uses_[v] += 2;
  }

  Result<QuantizedModel> Build(QuantizedModel q);

 private:
  // Scale of value v: its range, or its positive range when Relu alone reads it.
  float OutputScale(int v) const {
    bool relu_only =
        uses_[v] == 1 && consumer_[v] >= 0 && g_.nodes[consumer_[v]].op == OpType::kRelu;
    return ScaleFor(relu_only ? ranges_[v].max_pos : ranges_[v].max_abs);
  }
  int NewTensor(QuantizedModel& q, int v, float scale) {
    q.tensors_.push_back(QTensor{g_.values[v].name, shapes_[v], scale});
    tensor_of_[v] = static_cast<int>(q.tensors_.size() - 1);
    return tensor_of_[v];
  }
  Result<int> RuntimeInput(const Node& n, size_t i) const {
    int v = i < n.inputs.size() ? n.inputs[i] : -1;
    if (v < 0 || tensor_of_[v] < 0) {
      return Error(Code::kUnsupported,
                   detail::NodeLabel(n) + fmt::format(": input {} must be a runtime "
                                                      "tensor for the int8 path",
                                                      i));
    }
    return tensor_of_[v];
  }
  const Tensor* Const(const Node& n, size_t i) const {
    if (i >= n.inputs.size() || n.inputs[i] < 0) return nullptr;
    auto it = g_.constants.find(n.inputs[i]);
    return it == g_.constants.end() ? nullptr : &it->second;
  }
  Status AddLinear(QuantizedModel& q, const Node& n, QLayer& l);
  Status SetBiasAndRequant(QuantizedModel& q, const Node& n, QLayer& l, const Tensor* bias,
                           int64_t n_out, int64_t per_out);

  const Graph& g_;
  std::vector<Range> ranges_;
  const std::vector<Shape>& shapes_;
  std::vector<int> tensor_of_;
  std::vector<int> uses_, consumer_;
};

Status QuantizeBuilder::SetBiasAndRequant(QuantizedModel& q, const Node& n, QLayer& l,
                                          const Tensor* bias, int64_t n_out, int64_t per_out) {
  float s_in = q.tensors_[l.inputs[0]].scale;
  float s_out = q.tensors_[l.output].scale;
  double acc_scale = static_cast<double>(s_in) * l.weight_scale;
  if (bias) {
    l.bias.resize(n_out);
    for (int64_t o = 0; o < n_out; ++o) {
      double b = std::round(bias->data[bias->data.size() == 1 ? 0 : o] / acc_scale);
      if (!std::isfinite(b) || std::fabs(b) >= 2147483647.0 / 2) {
        return Error(Code::kOutOfRange,
                     detail::NodeLabel(n) + ": bias does not fit int32 at scale s_in*s_w");
      }
      l.bias[o] = static_cast<int32_t>(b);
    }
  }
  // |acc| <= 127 · Σ|w| + |bias| per output; must stay well inside int32.
  int64_t bound = 0;
  for (int64_t o = 0; o < n_out; ++o) {
    int64_t s = 0;
    for (int64_t j = 0; j < per_out; ++j) {
      int64_t idx = l.op == QOp::kLinear ? j * n_out + o : o * per_out + j;
      s += std::abs(static_cast<int64_t>(l.weight.data[idx]));
    }
    bound = std::max(bound, 127 * s + (l.bias.empty() ? 0 : std::abs(int64_t{l.bias[o]})));
  }
  if (bound >= (int64_t{1} << 31)) {
    return Error(Code::kOutOfRange, detail::NodeLabel(n) + ": int32 accumulator could overflow");
  }
  l.max_abs_accumulator = bound;
  VINET_ASSIGN_OR_RETURN(detail::Requant r, detail::ChooseRequant(acc_scale / s_out));
  l.multiplier = r.multiplier;
  l.shift = r.shift;
  return Status::Ok();
}

Status QuantizeBuilder::AddLinear(QuantizedModel& q, const Node& n, QLayer& l) {
  const Tensor* w = Const(n, 1);
  if (!w || w->shape.size() != 2 ||
      (n.op == OpType::kGemm && (n.attrs.trans_a || n.attrs.trans_b))) {
    return Error(Code::kUnsupported,
                 detail::NodeLabel(n) + ": the int8 path needs a constant 2-D weight");
  }
  const Tensor* bias = n.op == OpType::kGemm ? Const(n, 2) : nullptr;
  if (n.op == OpType::kGemm && n.inputs.size() > 2 && n.inputs[2] >= 0) {
    int64_t cn = bias ? NumElements(bias->shape) : -1;
    if (!bias || (cn != 1 && cn != w->shape[1]) || n.attrs.beta != 1.0f) {
      return Error(Code::kUnsupported,
                   detail::NodeLabel(n) + ": the int8 path needs a constant [N] bias");
    }
  }
  VINET_ASSIGN_OR_RETURN(l.weight, QuantizeWeights(*w, l.weight_scale));
  return SetBiasAndRequant(q, n, l, bias, w->shape[1], w->shape[0]);
}

Result<QuantizedModel> QuantizeBuilder::Build(QuantizedModel q) {
  if (g_.inputs.size() != 1 || g_.outputs.size() != 1) {
    return Error(Code::kUnsupported, "the int8 path supports models with one input and one output");
  }
  int in = g_.inputs[0];
  q.input_ = NewTensor(q, in, ScaleFor(ranges_[in].max_abs));
  for (const Node& n : g_.nodes) {
    QLayer l;
    l.name = n.name;
    l.attrs = n.attrs;
    l.source_op = n.op;
    int v = n.outputs[0];
    switch (n.op) {
      case OpType::kIdentity: {
        VINET_ASSIGN_OR_RETURN(int t, RuntimeInput(n, 0));
        tensor_of_[v] = t;
        continue;
      }
      case OpType::kGemm:
      case OpType::kMatMul: {
        l.op = QOp::kLinear;
        VINET_ASSIGN_OR_RETURN(int t, RuntimeInput(n, 0));
        l.inputs = {t};
        l.output = NewTensor(q, v, OutputScale(v));
        VINET_RETURN_IF_ERROR(AddLinear(q, n, l));
        break;
      }
      case OpType::kConv: {
        l.op = QOp::kConv;
        VINET_ASSIGN_OR_RETURN(int t, RuntimeInput(n, 0));
        const Tensor* w = Const(n, 1);
        if (!w)
          return Error(Code::kUnsupported,
                       detail::NodeLabel(n) + ": the int8 path needs constant weights");
        l.inputs = {t};
        l.output = NewTensor(q, v, OutputScale(v));
        VINET_ASSIGN_OR_RETURN(l.weight, QuantizeWeights(*w, l.weight_scale));
        int64_t oc = w->shape[0];
        VINET_RETURN_IF_ERROR(
            SetBiasAndRequant(q, n, l, Const(n, 2), oc, NumElements(w->shape) / oc));
        break;
      }
      case OpType::kRelu:
      case OpType::kMaxPool:
      case OpType::kAveragePool:
      case OpType::kGlobalAveragePool:
      case OpType::kFlatten:
      case OpType::kReshape: {
        static const std::map<OpType, QOp> kSame = {
            {OpType::kRelu, QOp::kRelu},
            {OpType::kMaxPool, QOp::kMaxPool},
            {OpType::kAveragePool, QOp::kAveragePool},
            {OpType::kGlobalAveragePool, QOp::kGlobalAveragePool},
            {OpType::kFlatten, QOp::kReshape},
            {OpType::kReshape, QOp::kReshape}};
        l.op = kSame.at(n.op);
        VINET_ASSIGN_OR_RETURN(int t, RuntimeInput(n, 0));
        l.inputs = {t};
        l.output = NewTensor(q, v, q.tensors_[t].scale);  // scale passes through
        if (l.op == QOp::kAveragePool || l.op == QOp::kGlobalAveragePool) {
          l.shift = detail::kPoolShift;
          const Shape& xs = shapes_[n.inputs[0]];
          int64_t window = l.op == QOp::kAveragePool
                               ? n.attrs.kernel[0] * n.attrs.kernel[1]
                               : NumElements(xs) / std::max<int64_t>(xs[0] * xs[1], 1);
          l.max_abs_accumulator = 127 * window;
        }
        break;
      }
      case OpType::kAdd: {
        l.op = QOp::kAdd;
        VINET_ASSIGN_OR_RETURN(int a, RuntimeInput(n, 0));
        VINET_ASSIGN_OR_RETURN(int b, RuntimeInput(n, 1));
        if (shapes_[n.inputs[0]] != shapes_[n.inputs[1]]) {
          return Error(Code::kUnsupported,
                       detail::NodeLabel(n) + ": the int8 Add needs equal shapes");
        }
        l.inputs = {a, b};
        l.output = NewTensor(q, v, OutputScale(v));
        double so = q.tensors_[l.output].scale;
        double ra = q.tensors_[a].scale / so, rb = q.tensors_[b].scale / so;
        VINET_ASSIGN_OR_RETURN(detail::Requant r, detail::ChooseRequant(std::max(ra, rb)));
        l.shift = r.shift;
        l.multiplier = detail::MultiplierFor(ra, r.shift);
        l.multiplier_b = detail::MultiplierFor(rb, r.shift);
        l.max_abs_accumulator = 127 * (l.multiplier + l.multiplier_b);
        break;
      }
      default:
        return Error(Code::kUnsupported, detail::NodeLabel(n) +
                                             ": op is not supported by the int8 path "
                                             "(Gemm, MatMul, Conv, Relu, MaxPool, AveragePool, "
                                             "GlobalAveragePool, Flatten, Reshape, Add are)");
    }
    q.layers_.push_back(std::move(l));
  }
  int out = g_.outputs[0];
  if (tensor_of_[out] < 0)
    return Error(Code::kUnsupported, "the model output is not an int8 tensor");
  q.output_ = tensor_of_[out];
  return q;
}

}  // namespace detail

Result<QuantizedModel> Quantize(const Model& model, std::span<const TensorMap> calibration) {
  if (calibration.empty()) return Error(Code::kInvalidArgument, "calibration set is empty");
  const Graph& g = model.graph();
  VINET_ASSIGN_OR_RETURN(std::vector<Range> ranges, Calibrate(g, calibration));
  for (size_t v = 0; v < ranges.size(); ++v) {
    if (!std::isfinite(ranges[v].max_abs)) {
      return Error(Code::kInvalidArgument,
                   "calibration produced a non-finite value in '" + g.values[v].name + "'");
    }
  }
  // Shapes for a batch of one, as recorded in the tensors.
  std::vector<Shape> probe;
  for (const auto& io : model.inputs()) {
    Shape s = io.shape;
    for (auto& d : s) d = d < 0 ? 1 : d;
    probe.push_back(s);
  }
  VINET_ASSIGN_OR_RETURN(std::vector<Shape> shapes,
                         detail::InferShapes(g, probe, int64_t{1} << 31));
  detail::QuantizeBuilder b(g, std::move(ranges), shapes);
  return b.Build(QuantizedModel());
}

}  // namespace vinet::runtime
