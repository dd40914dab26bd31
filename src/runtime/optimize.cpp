#include "runtime/optimize.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "runtime/kernels.h"
#include "runtime/shape_inference.h"

namespace vinet::runtime::detail {
namespace {

bool IsConst(const Graph& g, int v) {
  return v >= 0 && g.constants.count(v) > 0;
}

int AddConstant(Graph& g, const std::string& name, Tensor t) {
  int id = static_cast<int>(g.values.size());
  g.values.push_back(Value{name, t.shape, true});
  g.constants[id] = std::move(t);
  return id;
}

std::vector<int> UseCounts(const Graph& g) {
  std::vector<int> uses(g.values.size(), 0);
  for (const Node& n : g.nodes) {
    for (int v : n.inputs) {
      if (v >= 0) ++uses[v];
    }
  }
  for (int v : g.outputs) ++uses[v];
  return uses;
}

bool IsGraphOutput(const Graph& g, int v) {
  return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end();
}

void RemoveIdentities(Graph& g) {
  std::vector<int> replace(g.values.size());
  for (size_t v = 0; v < replace.size(); ++v) replace[v] = static_cast<int>(v);
  std::vector<Node> kept;
  for (Node& n : g.nodes) {
    for (int& v : n.inputs) {
      if (v >= 0) v = replace[v];
    }
    if (n.op == OpType::kIdentity && !IsGraphOutput(g, n.outputs[0])) {
      replace[n.outputs[0]] = n.inputs[0];
      continue;
    }
    kept.push_back(std::move(n));
  }
  g.nodes = std::move(kept);
}

// Conv -> BatchNormalization with constant parameters: scale the Conv's
// weights per output channel and fold the shift into its bias.
void FoldBatchNorm(Graph& g) {
  std::vector<int> uses = UseCounts(g);
  std::vector<int> producer(g.values.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i) producer[g.nodes[i].outputs[0]] = static_cast<int>(i);
  std::vector<bool> drop(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& bn = g.nodes[i];
    if (bn.op != OpType::kBatchNormalization) continue;
    int x = bn.inputs[0];
    int p = producer[x];
    if (p < 0 || g.nodes[p].op != OpType::kConv || uses[x] != 1 || IsGraphOutput(g, x)) continue;
    Node& conv = g.nodes[p];
    bool has_bias = conv.inputs.size() > 2 && conv.inputs[2] >= 0;
    bool all_const = IsConst(g, conv.inputs[1]) && (!has_bias || IsConst(g, conv.inputs[2]));
    for (int k = 1; k < 5; ++k) all_const = all_const && IsConst(g, bn.inputs[k]);
    if (!all_const) continue;
    Tensor w = g.constants[conv.inputs[1]];
    int64_t oc = w.shape[0], per = NumElements(w.shape) / std::max<int64_t>(oc, 1);
    const auto& gamma = g.constants[bn.inputs[1]].data;
    const auto& beta = g.constants[bn.inputs[2]].data;
    const auto& mean = g.constants[bn.inputs[3]].data;
    const auto& var = g.constants[bn.inputs[4]].data;
    Tensor b{{oc}, std::vector<float>(oc, 0.0f)};
    if (has_bias) b.data = g.constants[conv.inputs[2]].data;
    for (int64_t c = 0; c < oc; ++c) {
      float s = gamma[c] / std::sqrt(var[c] + bn.attrs.epsilon);
      for (int64_t j = 0; j < per; ++j) w.data[c * per + j] *= s;
      b.data[c] = (b.data[c] - mean[c]) * s + beta[c];
    }
    int wid = AddConstant(g, g.values[conv.inputs[1]].name + "/bn_folded", std::move(w));
    int bid = AddConstant(g, bn.name + "/bias_folded", std::move(b));
    conv.inputs.resize(3);
    conv.inputs[1] = wid;
    conv.inputs[2] = bid;
    conv.outputs[0] = bn.outputs[0];
    drop[i] = true;
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(g.nodes[i]));
  }
  g.nodes = std::move(kept);
}

// Gemm with a constant B: store B as [K, N] scaled by alpha, and a constant C
// scaled by beta, so the kernel runs a plain C += A·B.
void PrepareGemmWeights(Graph& g) {
  for (Node& n : g.nodes) {
    if (n.op != OpType::kGemm || !IsConst(g, n.inputs[1])) continue;
    const Tensor& b = g.constants[n.inputs[1]];
    if (b.shape.size() != 2) continue;
    Tensor t = b;
    if (n.attrs.trans_b) {
      int64_t rows = b.shape[0], cols = b.shape[1];
      t.shape = {cols, rows};
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) t.data[c * rows + r] = b.data[r * cols + c];
      }
    }
    for (float& v : t.data) v *= n.attrs.alpha;
    n.inputs[1] = AddConstant(g, g.values[n.inputs[1]].name + "/packed", std::move(t));
    n.attrs.trans_b = false;
    n.attrs.alpha = 1.0f;
    if (n.inputs.size() > 2 && IsConst(g, n.inputs[2]) && n.attrs.beta != 1.0f) {
      Tensor c = g.constants[n.inputs[2]];
      for (float& v : c.data) v *= n.attrs.beta;
      n.inputs[2] = AddConstant(g, g.values[n.inputs[2]].name + "/scaled", std::move(c));
      n.attrs.beta = 1.0f;
    }
  }
}

}  // namespace

Status FoldConstants(Graph& g, int64_t max_elements) {
  std::vector<Node> kept;
  std::vector<float*> slots(g.values.size(), nullptr);
  std::vector<Shape> shapes(g.values.size());
  for (Node& n : g.nodes) {
    bool foldable = true;
    std::vector<const Shape*> in;
    for (int v : n.inputs) {
      if (v >= 0 && !IsConst(g, v)) foldable = false;
      in.push_back(v >= 0 && IsConst(g, v) ? &g.constants[v].shape : nullptr);
    }
    if (!foldable) {
      kept.push_back(std::move(n));
      continue;
    }
    VINET_ASSIGN_OR_RETURN(Shape out, InferNodeShape(n, in));
    auto count = CheckedNumElements(out, max_elements);
    if (!count) return Error(Code::kOutOfRange, NodeLabel(n) + ": folded constant is too large");
    for (int v : n.inputs) {
      if (v < 0) continue;
      slots[v] = g.constants[v].data.data();
      shapes[v] = g.constants[v].shape;
    }
    Tensor result{out, std::vector<float>(static_cast<size_t>(*count))};
    shapes[n.outputs[0]] = out;
    slots[n.outputs[0]] = result.data.data();
    std::vector<float> scratch(static_cast<size_t>(ScratchFloats(n, shapes)));
    RunNode(n, shapes, slots.data(), scratch.data());
    g.values[n.outputs[0]].is_constant = true;
    g.constants[n.outputs[0]] = std::move(result);
  }
  g.nodes = std::move(kept);
  return Status::Ok();
}

void OptimizeGraph(Graph& g) {
  RemoveIdentities(g);
  FoldBatchNorm(g);
  PrepareGemmWeights(g);
  DropUnusedConstants(g);
}

void DropUnusedConstants(Graph& g) {
  std::set<int> used(g.outputs.begin(), g.outputs.end());
  for (const Node& n : g.nodes) used.insert(n.inputs.begin(), n.inputs.end());
  std::erase_if(g.constants, [&](const auto& kv) { return !used.count(kv.first); });
}

}  // namespace vinet::runtime::detail
