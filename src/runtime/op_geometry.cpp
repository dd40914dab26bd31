#include "runtime/op_geometry.h"

#include <algorithm>

#include <fmt/format.h>

namespace vinet::runtime::detail {

Result<int64_t> NormalizeAxis(int64_t axis, int64_t rank) {
  if (rank < 1) return Error(Code::kInvalidArgument, "an axis needs a tensor of rank >= 1");
  if (axis < -rank || axis >= rank) {
    return Error(Code::kInvalidArgument,
                 fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

Result<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      return Error(Code::kInvalidArgument, fmt::format("shapes {} and {} do not broadcast",
                                                       ShapeToString(a), ShapeToString(b)));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {

Status ReadWindow(const Attrs& a, WindowGeom& g, int64_t kh, int64_t kw) {
  auto pick = [](const std::vector<int64_t>& v, size_t n, size_t i, int64_t fallback) {
    return v.size() == n ? v[i] : fallback;
  };
  if ((!a.strides.empty() && a.strides.size() != 2) ||
      (!a.dilations.empty() && a.dilations.size() != 2) ||
      (!a.pads.empty() && a.pads.size() != 4)) {
    return Error(Code::kUnsupported,
                 "only 2-D windows are supported (strides/dilations of length 2, pads of 4)");
  }
  g.kh = kh;
  g.kw = kw;
  g.sh = pick(a.strides, 2, 0, 1);
  g.sw = pick(a.strides, 2, 1, 1);
  g.dh = pick(a.dilations, 2, 0, 1);
  g.dw = pick(a.dilations, 2, 1, 1);
  g.pt = pick(a.pads, 4, 0, 0);
  g.pl = pick(a.pads, 4, 1, 0);
  g.pb = pick(a.pads, 4, 2, 0);
  g.pr = pick(a.pads, 4, 3, 0);
  constexpr int64_t kLimit = int64_t{1} << 20;
  for (int64_t v : {g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.pb, g.pr}) {
    if (v > kLimit) return Error(Code::kOutOfRange, "window attribute exceeds 2^20");
  }
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.pt < 0 ||
      g.pl < 0 || g.pb < 0 || g.pr < 0 || g.pt >= g.kh * g.dh || g.pb >= g.kh * g.dh ||
      g.pl >= g.kw * g.dw || g.pr >= g.kw * g.dw) {
    return Error(Code::kInvalidArgument,
                 "kernel, strides and dilations must be positive and pads "
                 "non-negative and smaller than the kernel extent");
  }
  return Status::Ok();
}

Status OutputSize(WindowGeom& g, bool ceil_mode) {
  int64_t eh = (g.kh - 1) * g.dh + 1, ew = (g.kw - 1) * g.dw + 1;
  int64_t ph = g.h + g.pt + g.pb - eh, pw = g.w + g.pl + g.pr - ew;
  if (ph < 0 || pw < 0) {
    return Error(Code::kInvalidArgument,
                 fmt::format("window {}x{} is larger than the padded input {}x{}", eh, ew,
                             g.h + g.pt + g.pb, g.w + g.pl + g.pr));
  }
  g.oh = (ceil_mode ? (ph + g.sh - 1) / g.sh : ph / g.sh) + 1;
  g.ow = (ceil_mode ? (pw + g.sw - 1) / g.sw : pw / g.sw) + 1;
  // ceil_mode: the last window must start inside the input or left padding.
  if (ceil_mode && (g.oh - 1) * g.sh >= g.h + g.pt) --g.oh;
  if (ceil_mode && (g.ow - 1) * g.sw >= g.w + g.pl) --g.ow;
  return Status::Ok();
}

}  // namespace

Result<WindowGeom> ConvGeometry(const Attrs& a, const Shape& x, const Shape& w) {
  if (x.size() != 4 || w.size() != 4) {
    return Error(Code::kUnsupported,
                 fmt::format("only 2-D convolution is supported (input {}, weight {})",
                             ShapeToString(x), ShapeToString(w)));
  }
  WindowGeom g;
  g.n = x[0], g.c = x[1], g.h = x[2], g.w = x[3];
  g.oc = w[0];
  g.group = a.group;
  if (g.group < 1 || g.c % g.group != 0 || g.oc % g.group != 0 || w[1] * g.group != g.c) {
    return Error(Code::kInvalidArgument,
                 fmt::format("group {} does not fit input channels {} and weight {}", g.group, g.c,
                             ShapeToString(w)));
  }
  if (!a.kernel.empty() && (a.kernel.size() != 2 || a.kernel[0] != w[2] || a.kernel[1] != w[3])) {
    return Error(Code::kInvalidArgument, "kernel_shape does not match the weight shape");
  }
  VINET_RETURN_IF_ERROR(ReadWindow(a, g, w[2], w[3]));
  VINET_RETURN_IF_ERROR(OutputSize(g, false));
  return g;
}

Result<WindowGeom> PoolGeometry(const Attrs& a, const Shape& x) {
  if (x.size() != 4 || a.kernel.size() != 2) {
    return Error(Code::kUnsupported, "only 2-D pooling over NCHW input is supported");
  }
  WindowGeom g;
  g.n = x[0], g.c = x[1], g.h = x[2], g.w = x[3];
  VINET_RETURN_IF_ERROR(ReadWindow(a, g, a.kernel[0], a.kernel[1]));
  VINET_RETURN_IF_ERROR(OutputSize(g, a.ceil_mode));
  return g;
}

Result<SliceGeom> SliceGeometry(const Attrs& a, const Shape& x) {
  int64_t rank = static_cast<int64_t>(x.size());
  SliceGeom g;
  g.out = x;
  g.start.assign(x.size(), 0);
  g.step.assign(x.size(), 1);
  std::vector<bool> seen(x.size(), false);
  for (size_t i = 0; i < a.starts.size(); ++i) {
    int64_t axis_raw = a.axes.empty() ? static_cast<int64_t>(i) : a.axes[i];
    VINET_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(axis_raw, rank));
    if (seen[axis]) return Error(Code::kInvalidArgument, "slice axes repeat");
    seen[axis] = true;
    int64_t step = a.steps.empty() ? 1 : a.steps[i];
    if (step == 0) return Error(Code::kInvalidArgument, "slice step must not be 0");
    int64_t dim = x[axis];
    auto clampv = [](int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); };
    int64_t s = a.starts[i], e = a.ends[i];
    if (s < 0) s += dim;
    if (e < 0 && e > INT64_MIN / 2) e += dim;
    int64_t len;
    if (step > 0) {
      s = clampv(s, 0, dim);
      e = clampv(e, 0, dim);
      len = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = clampv(s, 0, dim - 1);
      e = clampv(e, -1, dim - 1);
      len = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    g.start[axis] = s;
    g.step[axis] = step;
    g.out[axis] = len;
  }
  return g;
}

Result<MatMulGeom> MatMulGeometry(const Shape& a_in, const Shape& b_in) {
  if (a_in.empty() || b_in.empty())
    return Error(Code::kInvalidArgument, "MatMul inputs must have rank >= 1");
  Shape a = a_in, b = b_in;
  bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  MatMulGeom g;
  g.m = a[a.size() - 2];
  g.k = a[a.size() - 1];
  g.n = b[b.size() - 1];
  if (b[b.size() - 2] != g.k) {
    return Error(Code::kInvalidArgument, fmt::format("MatMul shapes {} and {} do not match",
                                                     ShapeToString(a_in), ShapeToString(b_in)));
  }
  Shape ab(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  VINET_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(ab, bb));
  g.batch = NumElements(batch);
  // Offsets per batch index through broadcasting strides.
  size_t r = batch.size();
  auto strides = [&](const Shape& s, int64_t mat) {
    std::vector<int64_t> st(r, 0);
    int64_t acc = mat;
    for (size_t i = 0; i < s.size(); ++i) {
      size_t j = s.size() - 1 - i;
      size_t bj = r - 1 - i;
      st[bj] = s[j] == 1 ? 0 : acc;
      acc *= s[j];
    }
    return st;
  };
  auto sa = strides(ab, g.m * g.k), sb = strides(bb, g.k * g.n);
  g.a_off.resize(g.batch);
  g.b_off.resize(g.batch);
  std::vector<int64_t> idx(r, 0);
  for (int64_t t = 0; t < g.batch; ++t) {
    int64_t oa = 0, ob = 0;
    for (size_t i = 0; i < r; ++i) oa += idx[i] * sa[i], ob += idx[i] * sb[i];
    g.a_off[t] = oa;
    g.b_off[t] = ob;
    for (size_t i = r; i-- > 0;) {
      if (++idx[i] < batch[i]) break;
      idx[i] = 0;
    }
  }
  g.out = batch;
  if (!a_vec) g.out.push_back(g.m);
  if (!b_vec) g.out.push_back(g.n);
  return g;
}

Result<GemmGeom> GemmGeometry(const Attrs& a, const Shape& A, const Shape& B, const Shape* C) {
  if (A.size() != 2 || B.size() != 2) {
    return Error(Code::kInvalidArgument, fmt::format("Gemm inputs must be 2-D, got {} and {}",
                                                     ShapeToString(A), ShapeToString(B)));
  }
  GemmGeom g;
  g.m = a.trans_a ? A[1] : A[0];
  g.k = a.trans_a ? A[0] : A[1];
  int64_t kb = a.trans_b ? B[1] : B[0];
  g.n = a.trans_b ? B[0] : B[1];
  if (kb != g.k) {
    return Error(Code::kInvalidArgument,
                 fmt::format("Gemm shapes {} and {} do not match (K {} vs {})", ShapeToString(A),
                             ShapeToString(B), g.k, kb));
  }
  if (C) {
    auto bc = BroadcastShapes(*C, Shape{g.m, g.n});
    if (!bc.ok() || *bc != Shape{g.m, g.n}) {
      return Error(
          Code::kInvalidArgument,
          fmt::format("Gemm bias {} does not broadcast to [{}, {}]", ShapeToString(*C), g.m, g.n));
    }
  }
  return g;
}

Result<std::vector<int64_t>> ReduceAxes(const Attrs& a, int64_t rank) {
  std::vector<int64_t> axes;
  if (a.axes.empty()) {
    if (a.noop_with_empty_axes) return axes;
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
    return axes;
  }
  for (int64_t ax : a.axes) {
    VINET_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(ax, rank));
    axes.push_back(n);
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) {
    return Error(Code::kInvalidArgument, "reduce axes repeat");
  }
  return axes;
}

}  // namespace vinet::runtime::detail
