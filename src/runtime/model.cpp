#include "vinet/runtime/model.h"

#include <cblas.h>

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "runtime/kernels.h"
#include "runtime/onnx_loader.h"
#include "runtime/optimize.h"
#include "runtime/plan.h"
#include "runtime/shape_inference.h"

namespace vinet::runtime {

struct ModelBuilder {
  static Result<std::shared_ptr<const Model>> Build(detail::LoadedOnnx loaded,
                                                    const LoadOptions& options);
};

namespace {

// Declared input shapes with symbolic dimensions set to 1.
std::vector<Shape> ProbeShapes(const Graph& g) {
  std::vector<Shape> shapes;
  for (int v : g.inputs) {
    Shape s = g.values[v].declared;
    for (auto& d : s) d = d < 0 ? 1 : d;
    shapes.push_back(s);
  }
  return shapes;
}

Status CheckRanks(const Graph& g) {
  for (const auto& [id, t] : g.constants) {
    if (t.shape.size() > detail::kMaxRank) {
      return Error(Code::kUnsupported,
                   fmt::format("constant '{}': rank {} exceeds {}", g.values[id].name,
                               t.shape.size(), detail::kMaxRank));
    }
  }
  for (int v : g.inputs) {
    if (g.values[v].declared.size() > detail::kMaxRank) {
      return Error(Code::kUnsupported, fmt::format("graph input '{}': rank exceeds {}",
                                                   g.values[v].name, detail::kMaxRank));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const Model>> ModelBuilder::Build(detail::LoadedOnnx loaded,
                                                         const LoadOptions& options) {
  Graph& g = loaded.graph;
  VINET_RETURN_IF_ERROR(CheckRanks(g));
  // Validate every node once with the declared shapes (symbolic dims = 1).
  VINET_RETURN_IF_ERROR(
      detail::InferShapes(g, ProbeShapes(g), options.max_tensor_elements).status());
  if (options.optimize) {
    VINET_RETURN_IF_ERROR(detail::FoldConstants(g, options.max_tensor_elements));
    detail::OptimizeGraph(g);
    VINET_RETURN_IF_ERROR(
        detail::InferShapes(g, ProbeShapes(g), options.max_tensor_elements).status());
  }
  std::shared_ptr<Model> m(new Model());
  m->options_ = options;
  m->id_ = loaded.id;
  m->parameter_count_ = loaded.parameter_count;
  m->op_histogram_ = std::move(loaded.op_histogram);
  for (int v : g.inputs) m->inputs_.push_back({g.values[v].name, g.values[v].declared});
  auto out_shapes = detail::InferShapes(g, ProbeShapes(g), options.max_tensor_elements);
  for (int v : g.outputs) {
    Shape s = (*out_shapes)[v];
    // Output dims that depend on a symbolic input dim are reported as -1.
    m->outputs_.push_back({g.values[v].name, s});
  }
  m->graph_ = std::move(g);
  return std::shared_ptr<const Model>(std::move(m));
}

Model::~Model() = default;

Result<std::shared_ptr<const Model>> Model::LoadBytes(ByteSpan onnx_bytes,
                                                      const LoadOptions& options) {
  VINET_ASSIGN_OR_RETURN(detail::LoadedOnnx loaded, detail::LoadOnnx(onnx_bytes, options));
  return ModelBuilder::Build(std::move(loaded), options);
}

Result<std::shared_ptr<const Model>> Model::LoadFile(const std::string& path,
                                                     const LoadOptions& options) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error(Code::kIo, "cannot open model file '" + path + "'");
  Bytes bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return Error(Code::kIo, "cannot read model file '" + path + "'");
  auto r = LoadBytes(bytes, options);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

Result<std::shared_ptr<const Plan>> Model::PlanFor(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != inputs_.size()) {
    return Error(Code::kInvalidArgument,
                 fmt::format("model takes {} inputs, got {}", inputs_.size(), input_shapes.size()));
  }
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const Shape& decl = inputs_[i].shape;
    const Shape& got = input_shapes[i];
    bool ok = decl.size() == got.size();
    for (size_t d = 0; ok && d < decl.size(); ++d) {
      ok = got[d] >= 1 && (decl[d] < 0 || decl[d] == got[d]);
    }
    if (!ok) {
      return Error(Code::kInvalidArgument,
                   fmt::format("input '{}': shape {} does not match the declared {}",
                               inputs_[i].name, ShapeToString(got), ShapeToString(decl)));
    }
  }
  std::lock_guard<std::mutex> lock(plan_mutex_);
  auto it = plans_.find(input_shapes);
  if (it != plans_.end()) return it->second;
  VINET_ASSIGN_OR_RETURN(auto plan,
                         detail::BuildPlan(graph_, input_shapes, options_.max_tensor_elements));
  if (plans_.size() >= 16) plans_.erase(plans_.begin());
  plans_.emplace(input_shapes, plan);
  return plan;
}

void SetBlasThreads(int n) {
  openblas_set_num_threads(n < 1 ? 1 : n);
}

}  // namespace vinet::runtime
