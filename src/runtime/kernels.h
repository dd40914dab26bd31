// Float32 kernels, one per IR op (private). Preconditions: the node's shapes
// were validated by shape inference; `slots[v]` points at value v's data
// (inputs read-only, the output sized for its shape); `scratch` holds at
// least ScratchFloats() floats. Kernels never allocate and cannot fail.
#pragma once

#include <cstdint>
#include <vector>

#include "vinet/runtime/graph.h"

namespace vinet::runtime::detail {

// Highest tensor rank the kernels handle (checked by shape inference).
inline constexpr size_t kMaxRank = 8;

// Ops whose output is the input's data under another shape: the planner
// lets the output share the input's storage.
bool IsAliasOp(OpType op);

int64_t ScratchFloats(const Node& node, const std::vector<Shape>& shapes);

// Row stride of the im2col matrix for p output pixels: p, plus one cache
// line when p is a multiple of 256 floats, so that walking down K does not
// hit the same L1 set every row (4 KiB aliasing).
inline int64_t ConvColumnStride(int64_t p) {
  return p % 256 == 0 ? p + 16 : p;
}

void RunNode(const Node& node, const std::vector<Shape>& shapes, float* const* slots,
             float* scratch);

// Individual kernels (also used by the quantizer's calibration and tests).
void BinaryKernel(OpType op, const float* a, const Shape& sa, const float* b, const Shape& sb,
                  float* out, const Shape& so);
void UnaryKernel(const Node& node, const float* x, float* y, int64_t n);
void SoftmaxKernel(const Node& node, const float* x, const Shape& s, float* y);
void ConvKernel(const Node& node, const Shape& xs, const Shape& ws, const float* x, const float* w,
                const float* bias, float* y, float* scratch);
void PoolKernel(const Node& node, const Shape& xs, const float* x, float* y);
void GlobalAvgPoolKernel(const Shape& xs, const float* x, float* y);
void BatchNormKernel(const Node& node, const Shape& xs, const float* x, const float* scale,
                     const float* bias, const float* mean, const float* var, float* y);
void LayerNormKernel(const Node& node, const Shape& xs, const float* x, const float* scale,
                     const Shape& ss, const float* bias, const Shape* bs, float* y);
void ReduceMeanKernel(const Node& node, const Shape& xs, const float* x, float* y);
void TransposeKernel(const Node& node, const Shape& xs, const float* x, float* y);
void ConcatKernel(const Node& node, const std::vector<Shape>& shapes, float* const* slots);
void GatherKernel(const Node& node, const Shape& xs, const float* x, float* y);
void SliceKernel(const Node& node, const Shape& xs, const float* x, float* y);
void GemmKernel(const Node& node, const std::vector<Shape>& shapes, float* const* slots);
void MatMulKernel(const Shape& as, const Shape& bs, const float* a, const float* b, float* y);

}  // namespace vinet::runtime::detail
