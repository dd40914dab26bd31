// Data movement: Transpose, Concat, Gather, Slice.
#include <algorithm>
#include <array>
#include <cstring>

#include "runtime/kernels.h"
#include "runtime/op_geometry.h"

namespace vinet::runtime::detail {

void TransposeKernel(const Node& node, const Shape& xs, const float* x, float* y) {
  size_t r = xs.size();
  std::array<int64_t, kMaxRank> perm{}, in_stride{}, st{}, dim{}, idx{};
  for (size_t i = 0; i < r; ++i) {
    perm[i] = node.attrs.perm.empty() ? static_cast<int64_t>(r - 1 - i) : node.attrs.perm[i];
  }
  int64_t acc = 1;
  for (size_t i = r; i-- > 0;) in_stride[i] = acc, acc *= xs[i];
  for (size_t i = 0; i < r; ++i) dim[i] = xs[perm[i]], st[i] = in_stride[perm[i]];
  int64_t total = NumElements(xs);
  if (r == 0) {
    if (total) y[0] = x[0];
    return;
  }
  int64_t inner = dim[r - 1], inner_st = st[r - 1];
  int64_t rows = inner == 0 ? 0 : total / inner;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t off = 0;
    for (size_t d = 0; d + 1 < r; ++d) off += idx[d] * st[d];
    float* yr = y + row * inner;
    for (int64_t i = 0; i < inner; ++i) yr[i] = x[off + i * inner_st];
    for (size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < dim[d]) break;
      idx[d] = 0;
    }
  }
}

void ConcatKernel(const Node& node, const std::vector<Shape>& shapes, float* const* slots) {
  const Shape& out = shapes[node.outputs[0]];
  int64_t axis = *NormalizeAxis(node.attrs.axis, static_cast<int64_t>(out.size()));
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= out[i];
  int64_t out_chunk = NumElements(out) / std::max<int64_t>(outer, 1);
  float* y = slots[node.outputs[0]];
  int64_t offset = 0;
  for (int v : node.inputs) {
    const Shape& s = shapes[v];
    int64_t chunk = NumElements(s) / std::max<int64_t>(outer, 1);
    const float* x = slots[v];
    for (int64_t o = 0; o < outer; ++o) {
      std::copy(x + o * chunk, x + (o + 1) * chunk, y + o * out_chunk + offset);
    }
    offset += chunk;
  }
}

void GatherKernel(const Node& node, const Shape& xs, const float* x, float* y) {
  int64_t axis = *NormalizeAxis(node.attrs.axis, static_cast<int64_t>(xs.size()));
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= xs[i];
  for (size_t i = axis + 1; i < xs.size(); ++i) inner *= xs[i];
  int64_t dim = xs[axis];
  const auto& idx = node.attrs.indices;
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t t = 0; t < idx.size(); ++t) {
      int64_t i = idx[t] < 0 ? idx[t] + dim : idx[t];
      const float* src = x + (o * dim + i) * inner;
      std::copy(src, src + inner, y + (o * static_cast<int64_t>(idx.size()) + t) * inner);
    }
  }
}

void SliceKernel(const Node& node, const Shape& xs, const float* x, float* y) {
  SliceGeom g = *SliceGeometry(node.attrs, xs);
  size_t r = xs.size();
  int64_t total = NumElements(g.out);
  if (total == 0) return;
  if (r == 0) {
    y[0] = x[0];
    return;
  }
  std::array<int64_t, kMaxRank> in_stride{}, idx{};
  int64_t acc = 1;
  for (size_t i = r; i-- > 0;) in_stride[i] = acc, acc *= xs[i];
  int64_t inner = g.out[r - 1];
  int64_t rows = total / inner;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t off = 0;
    for (size_t d = 0; d + 1 < r; ++d) off += (g.start[d] + idx[d] * g.step[d]) * in_stride[d];
    const float* src = x + off + g.start[r - 1];
    int64_t step = g.step[r - 1];
    float* yr = y + row * inner;
    for (int64_t i = 0; i < inner; ++i) yr[i] = src[i * step];
    for (size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < g.out[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace vinet::runtime::detail
