// Shape arithmetic shared by shape inference and the kernels (private): each
// helper validates its op's shapes and attributes once and returns the
// resolved geometry, or an error message (without the node label).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vinet/common/result.h"
#include "vinet/runtime/graph.h"
#include "vinet/runtime/tensor.h"

namespace vinet::runtime::detail {

// Normalizes a possibly negative axis into [0, rank); error when out of range.
Result<int64_t> NormalizeAxis(int64_t axis, int64_t rank);

// Numpy broadcast of two shapes; error when incompatible.
Result<Shape> BroadcastShapes(const Shape& a, const Shape& b);

// 2-D windowed op geometry (Conv, MaxPool, AveragePool), NCHW.
struct WindowGeom {
  int64_t n = 0, c = 0, h = 0, w = 0;  // input
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  int64_t oh = 0, ow = 0;
  int64_t oc = 0, group = 1;  // Conv only: output channels, groups
};
Result<WindowGeom> ConvGeometry(const Attrs& a, const Shape& x, const Shape& w);
Result<WindowGeom> PoolGeometry(const Attrs& a, const Shape& x);

// Slice resolved over every axis of the input.
struct SliceGeom {
  Shape out;
  std::vector<int64_t> start, step;  // per input axis (untouched axes: 0, 1)
};
Result<SliceGeom> SliceGeometry(const Attrs& a, const Shape& x);

// Batched MatMul: output shape and, per broadcast batch index, the offsets.
struct MatMulGeom {
  Shape out;
  int64_t m = 0, k = 0, n = 0;
  int64_t batch = 1;
  std::vector<int64_t> a_off, b_off;  // element offsets of each batch's matrices
};
Result<MatMulGeom> MatMulGeometry(const Shape& a, const Shape& b);

// Gemm: M, K, N from shapes and transposition flags; C must broadcast to [M, N].
struct GemmGeom {
  int64_t m = 0, k = 0, n = 0;
};
Result<GemmGeom> GemmGeometry(const Attrs& a, const Shape& A, const Shape& B, const Shape* C);

// Reduction axes (sorted, normalized) for ReduceMean; empty = no-op.
Result<std::vector<int64_t>> ReduceAxes(const Attrs& a, int64_t rank);

}  // namespace vinet::runtime::detail
