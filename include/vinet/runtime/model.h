// A loaded, validated, immutable float32 model and its per-thread executor.
//
// `Model::Load*` parses an ONNX ModelProto (opset 9-20, default domain),
// converts it to vinet's graph IR, checks every node's op and attributes,
// infers shapes, folds constants and computes the model id. Every failure is
// a Status naming the node, op and what is wrong; nothing is thrown.
//
// Thread-safety: a `Model` is immutable after loading (its only mutable part,
// the cache of memory plans per input shape, is guarded by a mutex), so one
// `std::shared_ptr<const Model>` may be shared by any number of threads.
// An `ExecutionContext` holds the planned arena for one caller and is NOT
// thread-safe: use one context per thread (they are cheap to create; the
// arena is allocated on the first Run and reused while input shapes repeat).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"
#include "vinet/runtime/graph.h"
#include "vinet/runtime/tensor.h"

namespace vinet::runtime {

struct LoadOptions {
  // Largest tensor (elements) any value may have for the declared shapes
  // with symbolic dims set to 1; larger declarations fail with kOutOfRange.
  int64_t max_tensor_elements = int64_t{1} << 28;
  // Largest serialized model accepted (bytes).
  size_t max_model_bytes = size_t{1} << 31;
  // Apply the load-time rewrites (BatchNorm folded into Conv, Identity and
  // Dropout removed). Turning this off keeps the graph as written.
  bool optimize = true;
};

struct Plan;  // memory plan for one set of concrete input shapes (private)

class Model {
 public:
  static Result<std::shared_ptr<const Model>> LoadFile(const std::string& path,
                                                       const LoadOptions& options = {});
  static Result<std::shared_ptr<const Model>> LoadBytes(ByteSpan onnx_bytes,
                                                        const LoadOptions& options = {});

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  ~Model();

  const Graph& graph() const { return graph_; }
  // Canonical SHA-256 of the graph and weights as written in the file (see
  // docs/runtime.md, "Model id"); independent of protobuf field order, doc
  // strings and producer metadata.
  const crypto::Digest256& id() const { return id_; }
  std::string id_hex() const { return ToHex(id_); }

  struct IoInfo {
    std::string name;
    Shape shape;  // declared; -1 = symbolic (may take any size >= 1)
  };
  const std::vector<IoInfo>& inputs() const { return inputs_; }
  const std::vector<IoInfo>& outputs() const { return outputs_; }
  // Number of float parameters in the file's initializers.
  int64_t parameter_count() const { return parameter_count_; }
  // Op type -> node count, as written in the file (before optimization).
  const std::map<std::string, int>& op_histogram() const { return op_histogram_; }

  // The memory plan for these concrete input shapes (in input order), built
  // once per distinct shape set and cached (at most 16). Errors: a shape that
  // does not match the declaration, or a tensor past max_tensor_elements.
  Result<std::shared_ptr<const Plan>> PlanFor(const std::vector<Shape>& input_shapes) const;

 private:
  Model() = default;
  friend struct ModelBuilder;

  Graph graph_;
  crypto::Digest256 id_{};
  std::vector<IoInfo> inputs_, outputs_;
  int64_t parameter_count_ = 0;
  std::map<std::string, int> op_histogram_;
  LoadOptions options_;
  mutable std::mutex plan_mutex_;
  mutable std::map<std::vector<Shape>, std::shared_ptr<const Plan>> plans_;
};

class ExecutionContext {
 public:
  explicit ExecutionContext(std::shared_ptr<const Model> model);
  ~ExecutionContext();
  ExecutionContext(const ExecutionContext&) = delete;
  ExecutionContext& operator=(const ExecutionContext&) = delete;

  // Runs the model. Inputs by name; every graph input must be present with a
  // shape that matches its declaration (symbolic dims >= 1) and finite values.
  // Errors: kInvalidArgument naming the input (missing, unknown, shape, NaN).
  Result<TensorMap> Run(const TensorMap& inputs);

  // Lower-level form without maps: `inputs` in graph-input order, each a
  // pointer to NumElements(shape) floats; outputs are written to `outputs`
  // (resized; their vectors keep capacity across calls, so repeated calls
  // with the same shapes do not allocate). Inputs are not checked for NaN.
  Status Run(std::span<const float* const> inputs, std::span<const Shape> shapes,
             std::vector<Tensor>& outputs);

  // Zero-copy form: runs, then output i is readable through OutputData(i) /
  // OutputShape(i) until the next Run on this context. The input buffers
  // must stay alive and unchanged until then too (outputs may alias them).
  Status RunInPlace(std::span<const float* const> inputs, std::span<const Shape> shapes);
  const float* OutputData(size_t i) const;
  const Shape& OutputShape(size_t i) const;

  const Model& model() const { return *model_; }

  // Per-op-type wall time (nanoseconds) and call counts accumulated over
  // runs while profiling is on (off by default; on costs two clock reads per
  // node). Reset clears the totals.
  struct OpProfile {
    int64_t nanos = 0;
    int64_t calls = 0;
  };
  void EnableProfiling(bool on) { profiling_ = on; }
  const std::map<std::string, OpProfile>& profile() const { return profile_; }
  void ResetProfile() { profile_.clear(); }

 private:
  bool profiling_ = false;
  std::map<std::string, OpProfile> profile_;
  std::shared_ptr<const Model> model_;
  std::shared_ptr<const Plan> plan_;
  std::vector<Shape> plan_shapes_;
  std::vector<float, std::allocator<float>> arena_;
  std::vector<float*> slots_;
};

// Threads OpenBLAS may use inside one Run (process-wide). Our own kernels are
// single-threaded; parallelism across requests comes from several contexts.
void SetBlasThreads(int n);

}  // namespace vinet::runtime
