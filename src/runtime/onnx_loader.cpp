#include "runtime/onnx_loader.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "runtime/model_id.h"
#include "runtime/onnx_tensor.h"
#include "runtime/wire_check.h"

namespace vinet::runtime::detail {
namespace {

using AP = onnx::AttributeProto;
constexpr int64_t kMinOpset = 9;
constexpr int64_t kMaxOpset = 20;

const std::map<std::string, OpType>& OpTable() {
  static const std::map<std::string, OpType> table = {
      {"Gemm", OpType::kGemm},
      {"MatMul", OpType::kMatMul},
      {"Add", OpType::kAdd},
      {"Sub", OpType::kSub},
      {"Mul", OpType::kMul},
      {"Div", OpType::kDiv},
      {"Pow", OpType::kPow},
      {"Relu", OpType::kRelu},
      {"LeakyRelu", OpType::kLeakyRelu},
      {"Sigmoid", OpType::kSigmoid},
      {"Tanh", OpType::kTanh},
      {"Softmax", OpType::kSoftmax},
      {"LogSoftmax", OpType::kLogSoftmax},
      {"Conv", OpType::kConv},
      {"MaxPool", OpType::kMaxPool},
      {"AveragePool", OpType::kAveragePool},
      {"GlobalAveragePool", OpType::kGlobalAveragePool},
      {"BatchNormalization", OpType::kBatchNormalization},
      {"Flatten", OpType::kFlatten},
      {"Reshape", OpType::kReshape},
      {"Transpose", OpType::kTranspose},
      {"Concat", OpType::kConcat},
      {"Squeeze", OpType::kSqueeze},
      {"Unsqueeze", OpType::kUnsqueeze},
      {"Gather", OpType::kGather},
      {"Slice", OpType::kSlice},
      {"Clip", OpType::kClip},
      {"Identity", OpType::kIdentity},
      {"Dropout", OpType::kIdentity},
      {"ReduceMean", OpType::kReduceMean},
      {"LayerNormalization", OpType::kLayerNormalization},
      {"Gelu", OpType::kGelu},
      {"Erf", OpType::kErf},
      {"Sqrt", OpType::kSqrt},
  };
  return table;
}

// Everything the conversion of one node needs to know about the graph so far.
struct Context {
  explicit Context(const LoadOptions& o) : options(o) {}
  const LoadOptions& options;
  int64_t opset = 0;
  Graph graph;
  std::unordered_map<std::string, int> value_ids;  // defined names
  std::map<std::string, ConstData> consts;         // every constant by name
  std::set<std::string> ignored_outputs;           // optional outputs we do not produce
};

// Reads one node's attributes, remembering which were consumed so that any
// attribute the conversion did not understand is reported.
class NodeReader {
 public:
  NodeReader(const onnx::NodeProto& node, std::string label, Context& ctx)
      : node_(node), label_(std::move(label)), ctx_(ctx) {
    for (const auto& a : node.attribute()) attrs_[a.name()] = &a;
  }

  const std::string& label() const { return label_; }
  Status Err(Code code, const std::string& what) const {
    return Error(code, fmt::format("{}: {}", label_, what));
  }

  bool Has(const std::string& name) const { return attrs_.count(name) > 0; }

  Result<int64_t> Int(const std::string& name, int64_t fallback) {
    const AP* a = Take(name);
    if (!a) return fallback;
    if (a->type() != AP::INT) return Err(Code::kParse, "attribute '" + name + "' must be an int");
    return a->i();
  }
  Result<float> Float(const std::string& name, float fallback) {
    const AP* a = Take(name);
    if (!a) return fallback;
    if (a->type() != AP::FLOAT)
      return Err(Code::kParse, "attribute '" + name + "' must be a float");
    return a->f();
  }
  Result<std::string> String(const std::string& name, const std::string& fallback) {
    const AP* a = Take(name);
    if (!a) return fallback;
    if (a->type() != AP::STRING) {
      return Err(Code::kParse, "attribute '" + name + "' must be a string");
    }
    return a->s();
  }
  Result<std::vector<int64_t>> Ints(const std::string& name) {
    const AP* a = Take(name);
    if (!a) return std::vector<int64_t>{};
    if (a->type() != AP::INTS) return Err(Code::kParse, "attribute '" + name + "' must be ints");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }
  // Accepts and discards an attribute that does not change inference results.
  void Ignore(const std::string& name) { Take(name); }

  // Errors on the first attribute nobody took.
  Status CheckAllConsumed() const {
    for (const auto& [name, a] : attrs_) {
      if (!taken_.count(name)) {
        return Err(Code::kUnsupported, "attribute '" + name + "' is not supported");
      }
    }
    return Status::Ok();
  }

  int NumInputs() const { return node_.input_size(); }
  bool HasInput(int i) const { return i < node_.input_size() && !node_.input(i).empty(); }
  const std::string& InputName(int i) const { return node_.input(i); }

  // Integer constant input `i` (initializer or Constant output), flattened.
  Result<std::vector<int64_t>> ConstInts(int i, const char* role) {
    const ConstData* c = Const(i);
    if (!c) {
      return Err(Code::kUnsupported, fmt::format("input {} ('{}', {}) must be a constant "
                                                 "(initializer or Constant node)",
                                                 i, HasInput(i) ? InputName(i) : "", role));
    }
    if (c->is_float)
      return Err(Code::kParse, fmt::format("input {} ({}) must be integer", i, role));
    return c->i;
  }
  Result<float> ConstScalar(int i, const char* role) {
    const ConstData* c = Const(i);
    if (!c) {
      return Err(Code::kUnsupported, fmt::format("input {} ({}) must be a constant", i, role));
    }
    size_t n = c->is_float ? c->f.size() : c->i.size();
    if (n != 1) return Err(Code::kParse, fmt::format("input {} ({}) must be a scalar", i, role));
    return c->is_float ? c->f[0] : static_cast<float>(c->i[0]);
  }
  const ConstData* Const(int i) const {
    if (!HasInput(i)) return nullptr;
    auto it = ctx_.consts.find(InputName(i));
    return it == ctx_.consts.end() ? nullptr : &it->second;
  }

 private:
  const AP* Take(const std::string& name) {
    auto it = attrs_.find(name);
    if (it == attrs_.end()) return nullptr;
    taken_.insert(name);
    return it->second;
  }

  const onnx::NodeProto& node_;
  std::string label_;
  Context& ctx_;
  std::map<std::string, const AP*> attrs_;
  std::set<std::string> taken_;
};

Status CheckAutoPad(NodeReader& r) {
  VINET_ASSIGN_OR_RETURN(std::string auto_pad, r.String("auto_pad", "NOTSET"));
  if (auto_pad != "NOTSET" && auto_pad != "VALID") {
    return r.Err(Code::kUnsupported, "attribute auto_pad=" + auto_pad +
                                         " is not supported (NOTSET or VALID with explicit pads)");
  }
  return Status::Ok();
}

// Reads the attributes of `op` into `attrs`; moves constant parameter inputs
// into attributes and returns how many leading inputs stay runtime inputs.
Result<int> ReadAttrs(OpType op, NodeReader& r, int64_t opset, Attrs& a) {
  switch (op) {
    case OpType::kGemm: {
      VINET_ASSIGN_OR_RETURN(a.alpha, r.Float("alpha", 1.0f));
      VINET_ASSIGN_OR_RETURN(a.beta, r.Float("beta", 1.0f));
      VINET_ASSIGN_OR_RETURN(int64_t ta, r.Int("transA", 0));
      VINET_ASSIGN_OR_RETURN(int64_t tb, r.Int("transB", 0));
      r.Ignore("broadcast");
      a.trans_a = ta != 0;
      a.trans_b = tb != 0;
      return 3;
    }
    case OpType::kLeakyRelu: {
      VINET_ASSIGN_OR_RETURN(a.alpha, r.Float("alpha", 0.01f));
      return 1;
    }
    case OpType::kSoftmax:
    case OpType::kLogSoftmax: {
      a.legacy_softmax = opset < 13;
      VINET_ASSIGN_OR_RETURN(a.axis, r.Int("axis", opset < 13 ? 1 : -1));
      return 1;
    }
    case OpType::kConv: {
      VINET_RETURN_IF_ERROR(CheckAutoPad(r));
      VINET_ASSIGN_OR_RETURN(a.group, r.Int("group", 1));
      VINET_ASSIGN_OR_RETURN(a.kernel, r.Ints("kernel_shape"));
      VINET_ASSIGN_OR_RETURN(a.strides, r.Ints("strides"));
      VINET_ASSIGN_OR_RETURN(a.pads, r.Ints("pads"));
      VINET_ASSIGN_OR_RETURN(a.dilations, r.Ints("dilations"));
      return 3;
    }
    case OpType::kMaxPool:
    case OpType::kAveragePool: {
      VINET_RETURN_IF_ERROR(CheckAutoPad(r));
      VINET_ASSIGN_OR_RETURN(a.kernel, r.Ints("kernel_shape"));
      if (a.kernel.empty()) return r.Err(Code::kParse, "attribute 'kernel_shape' is required");
      VINET_ASSIGN_OR_RETURN(a.strides, r.Ints("strides"));
      VINET_ASSIGN_OR_RETURN(a.pads, r.Ints("pads"));
      VINET_ASSIGN_OR_RETURN(a.dilations, r.Ints("dilations"));
      VINET_ASSIGN_OR_RETURN(int64_t ceil, r.Int("ceil_mode", 0));
      a.ceil_mode = ceil != 0;
      if (op == OpType::kMaxPool) {
        VINET_ASSIGN_OR_RETURN(int64_t order, r.Int("storage_order", 0));
        if (order != 0)
          return r.Err(Code::kUnsupported, "attribute storage_order=1 is not supported");
      } else {
        VINET_ASSIGN_OR_RETURN(int64_t cip, r.Int("count_include_pad", 0));
        a.count_include_pad = cip != 0;
      }
      return 1;
    }
    case OpType::kBatchNormalization: {
      VINET_ASSIGN_OR_RETURN(a.epsilon, r.Float("epsilon", 1e-5f));
      r.Ignore("momentum");
      r.Ignore("spatial");
      VINET_ASSIGN_OR_RETURN(int64_t training, r.Int("training_mode", 0));
      if (training)
        return r.Err(Code::kUnsupported, "training_mode=1 is not supported (inference only)");
      return 5;
    }
    case OpType::kFlatten: {
      VINET_ASSIGN_OR_RETURN(a.axis, r.Int("axis", 1));
      return 1;
    }
    case OpType::kReshape: {
      VINET_ASSIGN_OR_RETURN(int64_t az, r.Int("allowzero", 0));
      a.allowzero = az != 0;
      VINET_ASSIGN_OR_RETURN(a.shape, r.ConstInts(1, "shape"));
      return 1;
    }
    case OpType::kTranspose: {
      VINET_ASSIGN_OR_RETURN(a.perm, r.Ints("perm"));
      return 1;
    }
    case OpType::kConcat: {
      if (!r.Has("axis")) return r.Err(Code::kParse, "attribute 'axis' is required");
      VINET_ASSIGN_OR_RETURN(a.axis, r.Int("axis", 0));
      return r.NumInputs();
    }
    case OpType::kSqueeze:
    case OpType::kUnsqueeze: {
      if (opset < 13) {
        VINET_ASSIGN_OR_RETURN(a.axes, r.Ints("axes"));
      } else if (r.HasInput(1)) {
        VINET_ASSIGN_OR_RETURN(a.axes, r.ConstInts(1, "axes"));
      }
      if (op == OpType::kUnsqueeze && a.axes.empty()) {
        return r.Err(Code::kParse, "axes are required");
      }
      return 1;
    }
    case OpType::kGather: {
      VINET_ASSIGN_OR_RETURN(a.axis, r.Int("axis", 0));
      VINET_ASSIGN_OR_RETURN(a.indices, r.ConstInts(1, "indices"));
      a.indices_shape = r.Const(1)->shape;
      return 1;
    }
    case OpType::kSlice: {
      if (opset < 10) {
        VINET_ASSIGN_OR_RETURN(a.starts, r.Ints("starts"));
        VINET_ASSIGN_OR_RETURN(a.ends, r.Ints("ends"));
        VINET_ASSIGN_OR_RETURN(a.axes, r.Ints("axes"));
      } else {
        VINET_ASSIGN_OR_RETURN(a.starts, r.ConstInts(1, "starts"));
        VINET_ASSIGN_OR_RETURN(a.ends, r.ConstInts(2, "ends"));
        if (r.HasInput(3)) {
          VINET_ASSIGN_OR_RETURN(a.axes, r.ConstInts(3, "axes"));
        }
        if (r.HasInput(4)) {
          VINET_ASSIGN_OR_RETURN(a.steps, r.ConstInts(4, "steps"));
        }
      }
      if (a.starts.size() != a.ends.size() ||
          (!a.axes.empty() && a.axes.size() != a.starts.size()) ||
          (!a.steps.empty() && a.steps.size() != a.starts.size())) {
        return r.Err(Code::kParse, "starts, ends, axes and steps must have equal lengths");
      }
      return 1;
    }
    case OpType::kClip: {
      if (opset < 11) {
        VINET_ASSIGN_OR_RETURN(a.clip_min, r.Float("min", a.clip_min));
        VINET_ASSIGN_OR_RETURN(a.clip_max, r.Float("max", a.clip_max));
      } else {
        if (r.HasInput(1)) {
          VINET_ASSIGN_OR_RETURN(a.clip_min, r.ConstScalar(1, "min"));
        }
        if (r.HasInput(2)) {
          VINET_ASSIGN_OR_RETURN(a.clip_max, r.ConstScalar(2, "max"));
        }
      }
      return 1;
    }
    case OpType::kIdentity: {  // Identity and Dropout
      r.Ignore("seed");
      r.Ignore("ratio");
      r.Ignore("is_test");
      if (r.HasInput(2)) {
        VINET_ASSIGN_OR_RETURN(float training, r.ConstScalar(2, "training_mode"));
        if (training != 0.0f)
          return r.Err(Code::kUnsupported, "training_mode=true is not supported");
      }
      return 1;
    }
    case OpType::kReduceMean: {
      VINET_ASSIGN_OR_RETURN(int64_t keep, r.Int("keepdims", 1));
      a.keepdims = keep != 0;
      if (opset < 18) {
        VINET_ASSIGN_OR_RETURN(a.axes, r.Ints("axes"));
      } else {
        VINET_ASSIGN_OR_RETURN(int64_t noop, r.Int("noop_with_empty_axes", 0));
        a.noop_with_empty_axes = noop != 0;
        if (r.HasInput(1)) {
          VINET_ASSIGN_OR_RETURN(a.axes, r.ConstInts(1, "axes"));
        }
      }
      return 1;
    }
    case OpType::kLayerNormalization: {
      VINET_ASSIGN_OR_RETURN(a.axis, r.Int("axis", -1));
      VINET_ASSIGN_OR_RETURN(a.epsilon, r.Float("epsilon", 1e-5f));
      VINET_ASSIGN_OR_RETURN(int64_t stash, r.Int("stash_type", 1));
      if (stash != 1)
        return r.Err(Code::kUnsupported, "stash_type other than float is not supported");
      return 3;
    }
    case OpType::kGelu: {
      VINET_ASSIGN_OR_RETURN(std::string approx, r.String("approximate", "none"));
      if (approx != "none" && approx != "tanh") {
        return r.Err(Code::kUnsupported, "attribute approximate='" + approx + "' is not supported");
      }
      a.gelu_tanh = approx == "tanh";
      return 1;
    }
    default:
      return static_cast<int>(r.NumInputs());  // binary and unary ops: no attributes
  }
}

// Number of runtime inputs an op requires at least (after constants moved).
int MinInputs(OpType op) {
  switch (op) {
    case OpType::kGemm:
    case OpType::kMatMul:
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
    case OpType::kPow:
    case OpType::kConv:
    case OpType::kLayerNormalization:
      return 2;
    case OpType::kBatchNormalization:
      return 5;
    default:
      return 1;
  }
}

Status AddConstant(Context& ctx, const std::string& name, ConstData data) {
  if (ctx.value_ids.count(name)) {
    return Error(Code::kParse, "value '" + name + "' is defined twice");
  }
  int id = static_cast<int>(ctx.graph.values.size());
  ctx.graph.values.push_back(Value{name, data.shape, true});
  ctx.value_ids[name] = id;
  if (data.is_float) {
    ctx.graph.constants[id] = Tensor{data.shape, data.f};
  } else {
    std::vector<float> f(data.i.begin(), data.i.end());
    ctx.graph.constants[id] = Tensor{data.shape, std::move(f)};
  }
  ctx.consts.emplace(name, std::move(data));
  return Status::Ok();
}

Status ConvertConstantNode(const onnx::NodeProto& n, const std::string& label, Context& ctx) {
  if (n.output_size() != 1) return Error(Code::kParse, label + ": Constant must have one output");
  if (n.attribute_size() != 1) {
    return Error(Code::kParse, label + ": Constant must have exactly one value attribute");
  }
  const AP& a = n.attribute(0);
  ConstData c;
  if (a.name() == "value" && a.type() == AP::TENSOR) {
    VINET_ASSIGN_OR_RETURN(c,
                           DecodeTensor(a.t(), label + " value", ctx.options.max_tensor_elements));
  } else if (a.name() == "value_float" && a.type() == AP::FLOAT) {
    c.onnx_type = onnx::TensorProto::FLOAT;
    c.f = {a.f()};
  } else if (a.name() == "value_floats" && a.type() == AP::FLOATS) {
    c.onnx_type = onnx::TensorProto::FLOAT;
    c.f.assign(a.floats().begin(), a.floats().end());
    c.shape = {static_cast<int64_t>(c.f.size())};
  } else if (a.name() == "value_int" && a.type() == AP::INT) {
    c.onnx_type = onnx::TensorProto::INT64;
    c.is_float = false;
    c.i = {a.i()};
  } else if (a.name() == "value_ints" && a.type() == AP::INTS) {
    c.onnx_type = onnx::TensorProto::INT64;
    c.is_float = false;
    c.i.assign(a.ints().begin(), a.ints().end());
    c.shape = {static_cast<int64_t>(c.i.size())};
  } else {
    return Error(Code::kUnsupported, label + ": attribute '" + a.name() + "' is not supported");
  }
  return AddConstant(ctx, n.output(0), std::move(c));
}

Status ConvertNode(const onnx::NodeProto& n, int index, Context& ctx) {
  std::string label = fmt::format("node {} '{}' ({})", index, n.name(), n.op_type());
  if (!n.domain().empty() && n.domain() != "ai.onnx" &&
      !(n.domain() == "com.microsoft" && n.op_type() == "Gelu")) {
    return Error(Code::kUnsupported, label + ": domain '" + n.domain() + "' is not supported");
  }
  if (n.op_type() == "Constant") return ConvertConstantNode(n, label, ctx);
  auto it = OpTable().find(n.op_type());
  if (it == OpTable().end()) {
    return Error(Code::kUnsupported, label + ": op '" + n.op_type() + "' is not supported");
  }
  NodeReader r(n, label, ctx);
  Node node;
  node.op = it->second;
  node.name = n.name().empty() ? fmt::format("{}#{}", n.op_type(), index) : n.name();
  VINET_ASSIGN_OR_RETURN(int runtime_inputs, ReadAttrs(node.op, r, ctx.opset, node.attrs));
  VINET_RETURN_IF_ERROR(r.CheckAllConsumed());
  runtime_inputs = std::min(runtime_inputs, n.input_size());
  if (runtime_inputs < MinInputs(node.op) || (node.op == OpType::kConcat && runtime_inputs < 1)) {
    return r.Err(Code::kParse, fmt::format("needs at least {} inputs, has {}", MinInputs(node.op),
                                           n.input_size()));
  }
  for (int i = 0; i < runtime_inputs; ++i) {
    if (n.input(i).empty()) {
      node.inputs.push_back(-1);
      continue;
    }
    auto v = ctx.value_ids.find(n.input(i));
    if (v == ctx.value_ids.end()) {
      return r.Err(Code::kNotFound, fmt::format("input '{}' is not a graph input, initializer or "
                                                "output of an earlier node",
                                                n.input(i)));
    }
    auto c = ctx.consts.find(n.input(i));
    if (c != ctx.consts.end() && !c->second.is_float && node.op != OpType::kPow) {
      return r.Err(Code::kUnsupported,
                   fmt::format("input '{}' is an integer tensor; only float32 data is supported",
                               n.input(i)));
    }
    node.inputs.push_back(v->second);
  }
  if (n.output_size() < 1 || n.output(0).empty()) return r.Err(Code::kParse, "has no output");
  for (int o = 0; o < n.output_size(); ++o) {
    if (o > 0) {  // optional extra outputs (Dropout mask, BN stats, LN mean): not produced
      if (!n.output(o).empty()) ctx.ignored_outputs.insert(n.output(o));
      continue;
    }
    if (ctx.value_ids.count(n.output(o))) {
      return r.Err(Code::kParse, "output '" + n.output(o) + "' is defined twice");
    }
    int id = static_cast<int>(ctx.graph.values.size());
    ctx.graph.values.push_back(Value{n.output(o), {}, false});
    ctx.value_ids[n.output(o)] = id;
    node.outputs.push_back(id);
  }
  ctx.graph.nodes.push_back(std::move(node));
  return Status::Ok();
}

// Orders nodes so that producers precede consumers (stable: file order when
// the file is already sorted). Errors: a cycle, naming a node on it.
Result<std::vector<int>> TopologicalOrder(const onnx::GraphProto& g,
                                          const std::set<std::string>& sources) {
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i) {
    for (const auto& o : g.node(i).output()) {
      if (o.empty()) continue;
      if (sources.count(o) || !producer.emplace(o, i).second) {
        return Error(Code::kParse, fmt::format("node {} '{}' ({}): output '{}' is defined twice", i,
                                               g.node(i).name(), g.node(i).op_type(), o));
      }
    }
  }
  int n = g.node_size();
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> users(n);
  for (int i = 0; i < n; ++i) {
    for (const auto& in : g.node(i).input()) {
      auto p = producer.find(in);
      if (p == producer.end()) continue;  // graph input, initializer or undefined (reported later)
      ++pending[i];
      users[p->second].push_back(i);
    }
  }
  std::set<int> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.insert(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    int i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (int u : users[i]) {
      if (--pending[u] == 0) ready.insert(u);
    }
  }
  if (static_cast<int>(order.size()) != n) {
    for (int i = 0; i < n; ++i) {
      if (pending[i] > 0) {
        return Error(Code::kParse, fmt::format("graph has a cycle through node {} '{}' ({})", i,
                                               g.node(i).name(), g.node(i).op_type()));
      }
    }
  }
  return order;
}

Result<int64_t> DefaultOpset(const onnx::ModelProto& m) {
  int64_t opset = -1;
  for (const auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  }
  if (opset < 0) return Error(Code::kParse, "model: no opset_import for the default domain");
  if (opset < kMinOpset || opset > kMaxOpset) {
    return Error(Code::kUnsupported, fmt::format("model: opset {} is not supported ({}-{} are)",
                                                 opset, kMinOpset, kMaxOpset));
  }
  return opset;
}

Status AddGraphInput(const onnx::ValueInfoProto& in, Context& ctx) {
  std::string label = "graph input '" + in.name() + "'";
  if (in.name().empty()) return Error(Code::kParse, "graph input with an empty name");
  if (!in.type().has_tensor_type()) return Error(Code::kUnsupported, label + ": not a tensor");
  const auto& tt = in.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT) {
    return Error(
        Code::kUnsupported,
        fmt::format("{}: element type {} is not supported (float32 only)", label, tt.elem_type()));
  }
  if (!tt.has_shape()) return Error(Code::kUnsupported, label + ": has no declared shape");
  Shape shape;
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value()) {
      if (d.dim_value() <= 0) {
        return Error(Code::kParse,
                     fmt::format("{}: dimension {} must be positive", label, d.dim_value()));
      }
      shape.push_back(d.dim_value());
    } else {
      shape.push_back(-1);
    }
  }
  if (ctx.value_ids.count(in.name())) return Error(Code::kParse, label + ": defined twice");
  int id = static_cast<int>(ctx.graph.values.size());
  ctx.graph.values.push_back(Value{in.name(), shape, false});
  ctx.value_ids[in.name()] = id;
  ctx.graph.inputs.push_back(id);
  return Status::Ok();
}

}  // namespace

Result<LoadedOnnx> LoadOnnx(ByteSpan bytes, const LoadOptions& options) {
  if (bytes.size() > options.max_model_bytes || bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return Error(Code::kOutOfRange, fmt::format("model: {} bytes exceed the limit", bytes.size()));
  }
  onnx::ModelProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    std::string where = DescribeWireError(bytes);
    return Error(
        Code::kParse,
        fmt::format("not a valid ONNX ModelProto ({} bytes): {}", bytes.size(),
                    where.empty() ? "protobuf decoding failed (invalid field contents)" : where));
  }
  if (!proto.has_graph()) return Error(Code::kParse, "model: has no graph");
  Context ctx(options);
  VINET_ASSIGN_OR_RETURN(ctx.opset, DefaultOpset(proto));
  ctx.graph.opset = ctx.opset;
  const auto& g = proto.graph();

  LoadedOnnx out;
  for (const auto& init : g.initializer()) {
    if (init.name().empty()) return Error(Code::kParse, "initializer with an empty name");
    VINET_ASSIGN_OR_RETURN(ConstData c, DecodeTensor(init, "initializer '" + init.name() + "'",
                                                     options.max_tensor_elements));
    if (c.is_float) out.parameter_count += static_cast<int64_t>(c.f.size());
    VINET_RETURN_IF_ERROR(AddConstant(ctx, init.name(), std::move(c)));
  }
  std::map<std::string, ConstData> initializers = ctx.consts;
  for (const auto& in : g.input()) {
    if (ctx.consts.count(in.name())) continue;  // IR < 4 lists initializers as inputs
    VINET_RETURN_IF_ERROR(AddGraphInput(in, ctx));
  }
  if (ctx.graph.inputs.empty()) return Error(Code::kParse, "model: graph has no runtime inputs");

  std::set<std::string> sources;
  for (const auto& [name, id] : ctx.value_ids) sources.insert(name);
  VINET_ASSIGN_OR_RETURN(std::vector<int> order, TopologicalOrder(g, sources));
  for (int i : order) {
    out.op_histogram[g.node(i).op_type()]++;
    VINET_RETURN_IF_ERROR(ConvertNode(g.node(i), i, ctx));
  }
  if (g.output_size() == 0) return Error(Code::kParse, "model: graph has no outputs");
  for (const auto& o : g.output()) {
    auto v = ctx.value_ids.find(o.name());
    if (v == ctx.value_ids.end()) {
      return Error(Code::kNotFound, "graph output '" + o.name() + "' is not produced by any node" +
                                        (ctx.ignored_outputs.count(o.name())
                                             ? " (optional outputs such as masks are not computed)"
                                             : ""));
    }
    ctx.graph.outputs.push_back(v->second);
  }
  VINET_ASSIGN_OR_RETURN(out.id,
                         CanonicalModelId(proto, initializers, options.max_tensor_elements));
  out.graph = std::move(ctx.graph);
  return out;
}

}  // namespace vinet::runtime::detail
