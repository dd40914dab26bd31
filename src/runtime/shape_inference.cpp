#include "runtime/shape_inference.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/op_geometry.h"

namespace vinet::runtime::detail {

std::string NodeLabel(const Node& node) {
  return fmt::format("node '{}' ({})", node.name, OpTypeName(node.op));
}

namespace {

Status Need(bool ok, const std::string& what) {
  return ok ? Status::Ok() : Error(Code::kInvalidArgument, what);
}

Result<Shape> ReshapeShape(const Attrs& a, const Shape& x) {
  Shape out = a.shape;
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0 && !a.allowzero) {
      if (i >= x.size())
        return Error(Code::kInvalidArgument, "reshape 0 refers past the input rank");
      out[i] = x[i];
    }
    if (out[i] == -1) {
      if (infer >= 0) return Error(Code::kInvalidArgument, "reshape has more than one -1");
      infer = static_cast<int>(i);
      continue;
    }
    if (out[i] < 0) return Error(Code::kInvalidArgument, "reshape dimension is negative");
    if (__builtin_mul_overflow(known, out[i], &known)) {
      return Error(Code::kOutOfRange, "reshape target " + ShapeToString(a.shape) + " is too large");
    }
  }
  int64_t total = NumElements(x);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) {
      return Error(Code::kInvalidArgument, fmt::format("cannot reshape {} into {}",
                                                       ShapeToString(x), ShapeToString(a.shape)));
    }
    out[infer] = total / known;
  }
  if (NumElements(out) != total) {
    return Error(Code::kInvalidArgument, fmt::format("cannot reshape {} ({} elements) into {}",
                                                     ShapeToString(x), total, ShapeToString(out)));
  }
  return out;
}

Result<Shape> SqueezeShape(const Attrs& a, const Shape& x) {
  int64_t rank = static_cast<int64_t>(x.size());
  std::vector<bool> drop(x.size(), false);
  if (a.axes.empty()) {
    for (size_t i = 0; i < x.size(); ++i) drop[i] = x[i] == 1;
  }
  for (int64_t ax : a.axes) {
    VINET_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(ax, rank));
    if (x[n] != 1)
      return Error(Code::kInvalidArgument,
                   fmt::format("cannot squeeze axis {} of size {}", n, x[n]));
    drop[n] = true;
  }
  Shape out;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!drop[i]) out.push_back(x[i]);
  }
  return out;
}

Result<Shape> UnsqueezeShape(const Attrs& a, const Shape& x) {
  int64_t rank = static_cast<int64_t>(x.size() + a.axes.size());
  std::vector<bool> ins(rank, false);
  for (int64_t ax : a.axes) {
    VINET_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(ax, rank));
    if (ins[n]) return Error(Code::kInvalidArgument, "unsqueeze axes repeat");
    ins[n] = true;
  }
  Shape out;
  size_t j = 0;
  for (int64_t i = 0; i < rank; ++i) out.push_back(ins[i] ? 1 : x[j++]);
  return out;
}

Result<Shape> TransposeShape(const Attrs& a, const Shape& x) {
  size_t rank = x.size();
  std::vector<int64_t> perm = a.perm;
  if (perm.empty()) {
    for (size_t i = 0; i < rank; ++i) perm.push_back(static_cast<int64_t>(rank - 1 - i));
  }
  if (perm.size() != rank)
    return Error(Code::kInvalidArgument, "perm length differs from the rank");
  std::vector<bool> seen(rank, false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[p]) {
      return Error(Code::kInvalidArgument, "perm is not a permutation");
    }
    seen[p] = true;
    out.push_back(x[p]);
  }
  return out;
}

Result<Shape> ConcatShape(const Node& n, const std::vector<const Shape*>& in) {
  const Shape& first = *in[0];
  VINET_ASSIGN_OR_RETURN(int64_t axis,
                         NormalizeAxis(n.attrs.axis, static_cast<int64_t>(first.size())));
  Shape out = first;
  out[axis] = 0;
  for (const Shape* s : in) {
    if (!s) return Error(Code::kInvalidArgument, "Concat input is missing");
    if (s->size() != first.size())
      return Error(Code::kInvalidArgument, "Concat inputs differ in rank");
    for (size_t i = 0; i < first.size(); ++i) {
      if (static_cast<int64_t>(i) != axis && (*s)[i] != first[i]) {
        return Error(Code::kInvalidArgument, "Concat inputs differ outside the axis");
      }
    }
    out[axis] += (*s)[axis];
  }
  return out;
}

Result<Shape> GatherShape(const Attrs& a, const Shape& x) {
  int64_t rank = static_cast<int64_t>(x.size());
  VINET_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(a.axis, rank));
  for (int64_t i : a.indices) {
    if (i < -x[axis] || i >= x[axis]) {
      return Error(Code::kInvalidArgument,
                   fmt::format("Gather index {} is out of range for axis size {}", i, x[axis]));
    }
  }
  Shape out(x.begin(), x.begin() + axis);
  out.insert(out.end(), a.indices_shape.begin(), a.indices_shape.end());
  out.insert(out.end(), x.begin() + axis + 1, x.end());
  return out;
}

Result<Shape> ReduceShape(const Attrs& a, const Shape& x) {
  VINET_ASSIGN_OR_RETURN(auto axes, ReduceAxes(a, static_cast<int64_t>(x.size())));
  Shape out;
  for (size_t i = 0; i < x.size(); ++i) {
    bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
    if (!reduced) {
      out.push_back(x[i]);
    } else if (a.keepdims) {
      out.push_back(1);
    }
  }
  return out;
}

Result<Shape> InferImpl(const Node& n, const std::vector<const Shape*>& in) {
  const Attrs& a = n.attrs;
  for (size_t i = 0; i < in.size(); ++i) {
    bool optional = (n.op == OpType::kGemm && i == 2) || (n.op == OpType::kConv && i == 2) ||
                    (n.op == OpType::kLayerNormalization && i == 2);
    if (!in[i] && !optional)
      return Error(Code::kInvalidArgument, fmt::format("input {} is missing", i));
  }
  const Shape& x = *in[0];
  switch (n.op) {
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
    case OpType::kPow:
      return BroadcastShapes(x, *in[1]);
    case OpType::kRelu:
    case OpType::kLeakyRelu:
    case OpType::kSigmoid:
    case OpType::kTanh:
    case OpType::kClip:
    case OpType::kIdentity:
    case OpType::kGelu:
    case OpType::kErf:
    case OpType::kSqrt:
      return x;
    case OpType::kSoftmax:
    case OpType::kLogSoftmax: {
      VINET_RETURN_IF_ERROR(NormalizeAxis(a.axis, static_cast<int64_t>(x.size())).status());
      return x;
    }
    case OpType::kGemm: {
      VINET_ASSIGN_OR_RETURN(GemmGeom g,
                             GemmGeometry(a, x, *in[1], in.size() > 2 ? in[2] : nullptr));
      return Shape{g.m, g.n};
    }
    case OpType::kMatMul: {
      VINET_ASSIGN_OR_RETURN(MatMulGeom g, MatMulGeometry(x, *in[1]));
      return g.out;
    }
    case OpType::kConv: {
      VINET_ASSIGN_OR_RETURN(WindowGeom g, ConvGeometry(a, x, *in[1]));
      if (in.size() > 2 && in[2]) {
        VINET_RETURN_IF_ERROR(Need(*in[2] == Shape{g.oc}, "Conv bias must have shape [M]"));
      }
      return Shape{g.n, g.oc, g.oh, g.ow};
    }
    case OpType::kMaxPool:
    case OpType::kAveragePool: {
      VINET_ASSIGN_OR_RETURN(WindowGeom g, PoolGeometry(a, x));
      return Shape{g.n, g.c, g.oh, g.ow};
    }
    case OpType::kGlobalAveragePool: {
      VINET_RETURN_IF_ERROR(Need(x.size() >= 3, "GlobalAveragePool needs rank >= 3"));
      Shape out = x;
      std::fill(out.begin() + 2, out.end(), 1);
      return out;
    }
    case OpType::kBatchNormalization: {
      VINET_RETURN_IF_ERROR(Need(x.size() >= 2, "BatchNormalization needs rank >= 2"));
      for (size_t i = 1; i < 5; ++i) {
        VINET_RETURN_IF_ERROR(
            Need(*in[i] == Shape{x[1]}, "BatchNormalization parameters must have shape [C]"));
      }
      return x;
    }
    case OpType::kFlatten: {
      int64_t rank = static_cast<int64_t>(x.size());
      int64_t axis = a.axis < 0 ? a.axis + rank : a.axis;
      VINET_RETURN_IF_ERROR(Need(axis >= 0 && axis <= rank, "Flatten axis is out of range"));
      int64_t outer = 1;
      for (int64_t i = 0; i < axis; ++i) outer *= x[i];
      return Shape{outer, NumElements(x) / std::max<int64_t>(outer, 1)};
    }
    case OpType::kReshape:
      return ReshapeShape(a, x);
    case OpType::kTranspose:
      return TransposeShape(a, x);
    case OpType::kConcat:
      return ConcatShape(n, in);
    case OpType::kSqueeze:
      return SqueezeShape(a, x);
    case OpType::kUnsqueeze:
      return UnsqueezeShape(a, x);
    case OpType::kGather:
      return GatherShape(a, x);
    case OpType::kSlice: {
      VINET_ASSIGN_OR_RETURN(SliceGeom g, SliceGeometry(a, x));
      return g.out;
    }
    case OpType::kReduceMean:
      return ReduceShape(a, x);
    case OpType::kLayerNormalization: {
      int64_t rank = static_cast<int64_t>(x.size());
      VINET_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(a.axis, rank));
      Shape inner(x.begin() + axis, x.end());
      for (size_t i = 1; i < in.size(); ++i) {
        if (!in[i]) continue;
        auto bc = BroadcastShapes(*in[i], inner);
        VINET_RETURN_IF_ERROR(
            Need(bc.ok() && *bc == inner,
                 "LayerNormalization scale/bias must broadcast to the normalized shape"));
      }
      return x;
    }
  }
  return Error(Code::kInternal, "unhandled op");
}

}  // namespace

Result<Shape> InferNodeShape(const Node& node, const std::vector<const Shape*>& inputs) {
  auto r = InferImpl(node, inputs);
  if (!r.ok()) return r.status().WithContext(NodeLabel(node));
  return r;
}

Result<std::vector<Shape>> InferShapes(const Graph& graph, const std::vector<Shape>& input_shapes,
                                       int64_t max_elements) {
  std::vector<Shape> shapes(graph.values.size());
  std::vector<bool> known(graph.values.size(), false);
  for (const auto& [id, t] : graph.constants) {
    shapes[id] = t.shape;
    known[id] = true;
  }
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    shapes[graph.inputs[i]] = input_shapes[i];
    known[graph.inputs[i]] = true;
  }
  for (const Node& n : graph.nodes) {
    std::vector<const Shape*> in;
    for (int v : n.inputs) {
      if (v >= 0 && !known[v])
        return Error(Code::kInternal, NodeLabel(n) + ": input shape unknown");
      in.push_back(v < 0 ? nullptr : &shapes[v]);
    }
    VINET_ASSIGN_OR_RETURN(Shape out, InferNodeShape(n, in));
    if (!CheckedNumElements(out, max_elements)) {
      return Error(Code::kOutOfRange, fmt::format("{}: output shape {} exceeds {} elements",
                                                  NodeLabel(n), ShapeToString(out), max_elements));
    }
    shapes[n.outputs[0]] = std::move(out);
    known[n.outputs[0]] = true;
  }
  return shapes;
}

}  // namespace vinet::runtime::detail
