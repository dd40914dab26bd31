// Convolution, pooling, normalization, softmax, reductions and matrix ops.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "runtime/gemm.h"
#include "runtime/kernels.h"
#include "runtime/op_geometry.h"
#include "runtime/simd.h"

namespace vinet::runtime::detail {
namespace {

bool IsPointwise(const WindowGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.pb == 0 &&
         g.pr == 0;
}

void Im2Col(const WindowGeom& g, int64_t channels, const float* x, float* col, int64_t ld) {
  for (int64_t c = 0; c < channels; ++c) {
    const float* xc = x + c * g.h * g.w;
    for (int64_t i = 0; i < g.kh; ++i) {
      for (int64_t j = 0; j < g.kw; ++j) {
        float* row = col + ((c * g.kh + i) * g.kw + j) * ld;
        for (int64_t oh = 0; oh < g.oh; ++oh) {
          int64_t ih = oh * g.sh - g.pt + i * g.dh;
          float* out = row + oh * g.ow;
          if (ih < 0 || ih >= g.h) {
            std::fill(out, out + g.ow, 0.0f);
            continue;
          }
          const float* xr = xc + ih * g.w;
          int64_t off = j * g.dw - g.pl;
          if (g.sw == 1) {
            int64_t lo = std::clamp<int64_t>(-off, 0, g.ow),
                    hi = std::clamp<int64_t>(g.w - off, 0, g.ow);
            std::fill(out, out + lo, 0.0f);
            std::copy(xr + lo + off, xr + hi + off, out + lo);
            std::fill(out + std::max(hi, lo), out + g.ow, 0.0f);
          } else {
            for (int64_t ow = 0; ow < g.ow; ++ow) {
              int64_t iw = ow * g.sw + off;
              out[ow] = (iw >= 0 && iw < g.w) ? xr[iw] : 0.0f;
            }
          }
        }
      }
    }
  }
}

// Backend for the im2col GEMM. VINET_CONV_BACKEND=own|blas overrides the
// rule, for measuring (bench/runtime).
GemmBackend ConvBackend(int64_t m, int64_t n, int64_t k) {
  static const int forced = [] {
    const char* e = std::getenv("VINET_CONV_BACKEND");
    return e ? (std::string(e) == "own" ? 1 : std::string(e) == "blas" ? 2 : 0) : 0;
  }();
  if (forced == 1) return GemmBackend::kOwn;
  if (forced == 2) return GemmBackend::kBlas;
  // With the padded column stride our kernel also wins for M = 16 when the
  // tiles are full (ResNet 3x3 convs: 333 vs 399 us per model run); LeNet's
  // ragged convs stay on OpenBLAS. Measured with bench_runtime, see docs.
  if (m % 4 == 0 && n % 16 == 0 && k >= 64) return GemmBackend::kOwn;
  return ChooseGemmBackend(m, n, k);
}

}  // namespace

void ConvKernel(const Node& node, const Shape& xs, const Shape& ws, const float* x, const float* w,
                const float* bias, float* y, float* scratch) {
  WindowGeom g = *ConvGeometry(node.attrs, xs, ws);
  int64_t cg = g.c / g.group, ocg = g.oc / g.group;
  int64_t kc = cg * g.kh * g.kw, p = g.oh * g.ow;
  bool pointwise = IsPointwise(g);
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t gr = 0; gr < g.group; ++gr) {
      const float* xg = x + (n * g.c + gr * cg) * g.h * g.w;
      const float* col = xg;
      int64_t ld = p;
      if (!pointwise) {
        ld = ConvColumnStride(p);
        Im2Col(g, cg, xg, scratch, ld);
        col = scratch;
      }
      float* yg = y + (n * g.oc + gr * ocg) * p;
      if (bias) {
        for (int64_t o = 0; o < ocg; ++o)
          std::fill(yg + o * p, yg + (o + 1) * p, bias[gr * ocg + o]);
      }
      Gemm(ocg, p, kc, w + gr * ocg * kc, kc, col, ld, yg, p, bias != nullptr,
           ConvBackend(ocg, p, kc));
    }
  }
}

namespace {
// Non-negative numerators only; the common dilation 1 costs no division.
inline int64_t FloorDiv(int64_t a, int64_t d) {
  return d == 1 ? a : a / d;
}
inline int64_t CeilDiv(int64_t a, int64_t d) {
  return d == 1 ? a : (a + d - 1) / d;
}
}  // namespace

namespace {
// MaxPool 2x2 stride 2 with every window inside the input (LeNet, VGG-style
// downsampling): branch-free, two rows at a time.
bool IsPlainMax2x2(const WindowGeom& g) {
  return g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.dh == 1 && g.dw == 1 && g.pt == 0 &&
         g.pl == 0 && 2 * g.oh <= g.h && 2 * g.ow <= g.w;
}

void MaxPool2x2(const WindowGeom& g, const float* x, float* y) {
  for (int64_t nc = 0; nc < g.n * g.c; ++nc) {
    const float* xc = x + nc * g.h * g.w;
    float* yc = y + nc * g.oh * g.ow;
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      const float* r0 = xc + 2 * oh * g.w;
      const float* r1 = r0 + g.w;
      float* out = yc + oh * g.ow;
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        float a = std::max(r0[2 * ow], r0[2 * ow + 1]);
        float b = std::max(r1[2 * ow], r1[2 * ow + 1]);
        out[ow] = std::max(a, b);
      }
    }
  }
}
}  // namespace

void PoolKernel(const Node& node, const Shape& xs, const float* x, float* y) {
  WindowGeom g = *PoolGeometry(node.attrs, xs);
  bool is_max = node.op == OpType::kMaxPool;
  if (is_max && IsPlainMax2x2(g)) {
    MaxPool2x2(g, x, y);
    return;
  }
  for (int64_t nc = 0; nc < g.n * g.c; ++nc) {
    const float* xc = x + nc * g.h * g.w;
    float* yc = y + nc * g.oh * g.ow;
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      int64_t h0 = oh * g.sh - g.pt;
      // Window rows i with 0 <= h0 + i*dh < h (valid) and < h + pb (padded).
      int64_t i_lo = h0 >= 0 ? 0 : CeilDiv(-h0, g.dh);
      int64_t i_hi = std::min<int64_t>(g.kh, h0 < g.h ? FloorDiv(g.h - 1 - h0, g.dh) + 1 : 0);
      int64_t i_pad = std::min<int64_t>(g.kh, FloorDiv(g.h + g.pb - 1 - h0, g.dh) + 1);
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        int64_t w0 = ow * g.sw - g.pl;
        int64_t j_lo = w0 >= 0 ? 0 : CeilDiv(-w0, g.dw);
        int64_t j_hi = std::min<int64_t>(g.kw, w0 < g.w ? FloorDiv(g.w - 1 - w0, g.dw) + 1 : 0);
        int64_t j_pad = std::min<int64_t>(g.kw, FloorDiv(g.w + g.pr - 1 - w0, g.dw) + 1);
        float acc = is_max ? -std::numeric_limits<float>::infinity() : 0.0f;
        for (int64_t i = i_lo; i < i_hi; ++i) {
          const float* xr = xc + (h0 + i * g.dh) * g.w + w0;
          for (int64_t j = j_lo; j < j_hi; ++j) {
            float v = xr[j * g.dw];
            acc = is_max ? std::max(acc, v) : acc + v;
          }
        }
        if (!is_max) {
          int64_t valid = std::max<int64_t>(i_hi - i_lo, 0) * std::max<int64_t>(j_hi - j_lo, 0);
          int64_t count = node.attrs.count_include_pad ? i_pad * j_pad : valid;
          acc = count > 0 ? acc / static_cast<float>(count) : 0.0f;
        }
        yc[oh * g.ow + ow] = acc;
      }
    }
  }
}

void GlobalAvgPoolKernel(const Shape& xs, const float* x, float* y) {
  int64_t nc = xs[0] * xs[1], sp = NumElements(xs) / std::max<int64_t>(nc, 1);
  for (int64_t i = 0; i < nc; ++i) {
    float s = 0.0f;
    for (int64_t j = 0; j < sp; ++j) s += x[i * sp + j];
    y[i] = sp > 0 ? s / static_cast<float>(sp) : 0.0f;
  }
}

void BatchNormKernel(const Node& node, const Shape& xs, const float* x, const float* scale,
                     const float* bias, const float* mean, const float* var, float* y) {
  int64_t n = xs[0], c = xs[1], sp = NumElements(xs) / std::max<int64_t>(n * c, 1);
  for (int64_t ch = 0; ch < c; ++ch) {
    float a = scale[ch] / std::sqrt(var[ch] + node.attrs.epsilon);
    float b = bias[ch] - mean[ch] * a;
    for (int64_t i = 0; i < n; ++i) {
      const float* xp = x + (i * c + ch) * sp;
      float* yp = y + (i * c + ch) * sp;
      for (int64_t j = 0; j < sp; ++j) yp[j] = xp[j] * a + b;
    }
  }
}

void SoftmaxKernel(const Node& node, const float* x, const Shape& s, float* y) {
  int64_t rank = static_cast<int64_t>(s.size());
  int64_t axis = *NormalizeAxis(node.attrs.axis, rank);
  int64_t outer = 1, dim = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= s[i];
  if (node.attrs.legacy_softmax) {
    for (int64_t i = axis; i < rank; ++i) dim *= s[i];
  } else {
    dim = s[axis];
    for (int64_t i = axis + 1; i < rank; ++i) inner *= s[i];
  }
  bool log = node.op == OpType::kLogSoftmax;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      const float* xp = x + o * dim * inner + in;
      float* yp = y + o * dim * inner + in;
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t d = 0; d < dim; ++d) mx = std::max(mx, xp[d * inner]);
      float sum = 0.0f;
      for (int64_t d = 0; d < dim; ++d) {
        float e = std::exp(xp[d * inner] - mx);
        if (!log) yp[d * inner] = e;
        sum += e;
      }
      if (log) {
        float ls = std::log(sum);
        for (int64_t d = 0; d < dim; ++d) yp[d * inner] = xp[d * inner] - mx - ls;
      } else {
        float inv = 1.0f / sum;
        for (int64_t d = 0; d < dim; ++d) yp[d * inner] *= inv;
      }
    }
  }
}

void LayerNormKernel(const Node& node, const Shape& xs, const float* x, const float* scale,
                     const Shape& ss, const float* bias, const Shape* bs, float* y) {
  int64_t rank = static_cast<int64_t>(xs.size());
  int64_t axis = *NormalizeAxis(node.attrs.axis, rank);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= xs[i];
  for (int64_t i = axis; i < rank; ++i) inner *= xs[i];
  bool scale_full = NumElements(ss) == inner;
  bool bias_full = bs && NumElements(*bs) == inner;
  for (int64_t o = 0; o < outer; ++o) {
    const float* xp = x + o * inner;
    float* yp = y + o * inner;
    float mean = 0.0f;
    for (int64_t i = 0; i < inner; ++i) mean += xp[i];
    mean /= static_cast<float>(inner);
    float var = 0.0f;
    for (int64_t i = 0; i < inner; ++i) var += (xp[i] - mean) * (xp[i] - mean);
    var /= static_cast<float>(inner);
    float inv = 1.0f / std::sqrt(var + node.attrs.epsilon);
    for (int64_t i = 0; i < inner; ++i) {
      float v = (xp[i] - mean) * inv * scale[scale_full ? i : 0];
      if (bias) v += bias[bias_full ? i : 0];
      yp[i] = v;
    }
  }
}

void ReduceMeanKernel(const Node& node, const Shape& xs, const float* x, float* y) {
  size_t r = xs.size();
  auto axes = *ReduceAxes(node.attrs, static_cast<int64_t>(r));
  int64_t total = NumElements(xs);
  if (axes.empty()) {
    std::copy(x, x + total, y);
    return;
  }
  std::array<bool, kMaxRank> red{};
  for (int64_t a : axes) red[a] = true;
  // Output strides over the input's axes (0 on reduced axes).
  std::array<int64_t, kMaxRank> ost{}, idx{};
  int64_t acc = 1, count = 1, out_n = 1;
  for (size_t i = r; i-- > 0;) {
    if (red[i]) {
      count *= xs[i];
    } else {
      ost[i] = acc;
      acc *= xs[i];
      out_n *= xs[i];
    }
  }
  std::fill(y, y + out_n, 0.0f);
  for (int64_t e = 0; e < total; ++e) {
    int64_t o = 0;
    for (size_t d = 0; d < r; ++d) o += idx[d] * ost[d];
    y[o] += x[e];
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < xs[d]) break;
      idx[d] = 0;
    }
  }
  float inv = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
  for (int64_t i = 0; i < out_n; ++i) y[i] *= inv;
}

void GemmKernel(const Node& node, const std::vector<Shape>& shapes, float* const* slots) {
  const Attrs& a = node.attrs;
  const Shape& as = shapes[node.inputs[0]];
  const Shape& bs = shapes[node.inputs[1]];
  bool has_c = node.inputs.size() > 2 && node.inputs[2] >= 0;
  GemmGeom g = *GemmGeometry(a, as, bs, nullptr);
  float* y = slots[node.outputs[0]];
  const float* A = slots[node.inputs[0]];
  const float* B = slots[node.inputs[1]];
  int64_t lda = as[1], ldb = bs[1];
  auto add_c = [&](float mult, bool overwrite) {
    const Shape& cs = shapes[node.inputs[2]];
    const float* c = slots[node.inputs[2]];
    int64_t c0 = cs.size() == 2 ? cs[0] : 1;
    int64_t c1 = cs.empty() ? 1 : cs.back();
    int64_t rs = c0 == 1 ? 0 : c1, cs1 = c1 == 1 ? 0 : 1;
    for (int64_t i = 0; i < g.m; ++i) {
      for (int64_t j = 0; j < g.n; ++j) {
        float v = mult * c[i * rs + j * cs1];
        y[i * g.n + j] = overwrite ? v : y[i * g.n + j] + v;
      }
    }
  };
  if (a.alpha == 1.0f && has_c) {
    add_c(a.beta, true);
    GemmT(a.trans_a, a.trans_b, g.m, g.n, g.k, A, lda, B, ldb, y, g.n, true);
    return;
  }
  GemmT(a.trans_a, a.trans_b, g.m, g.n, g.k, A, lda, B, ldb, y, g.n, false);
  if (a.alpha != 1.0f) {
    for (int64_t i = 0; i < g.m * g.n; ++i) y[i] *= a.alpha;
  }
  if (has_c) add_c(a.beta, false);
}

void MatMulKernel(const Shape& as, const Shape& bs, const float* a, const float* b, float* y) {
  if (as.size() >= 2 && bs.size() == 2) {  // one GEMM over the flattened leading dims
    int64_t k = as.back(), n = bs[1];
    int64_t m = NumElements(as) / std::max<int64_t>(k, 1);
    if (k == 0) m = NumElements(as) == 0 ? 0 : m;
    Gemm(m, n, k, a, k, b, n, y, n, false);
    return;
  }
  // General batched case: walk the broadcast batch index without allocating.
  Shape a2 = as, b2 = bs;  // small; rank <= kMaxRank
  if (a2.size() == 1) a2.insert(a2.begin(), 1);
  if (b2.size() == 1) b2.push_back(1);
  int64_t m = a2[a2.size() - 2], k = a2.back(), n = b2.back();
  size_t ra = a2.size() - 2, rb = b2.size() - 2, r = std::max(ra, rb);
  std::array<int64_t, kMaxRank> dim{}, sa{}, sb{}, idx{};
  int64_t acc_a = m * k, acc_b = k * n, batch = 1;
  for (size_t i = 0; i < r; ++i) {
    size_t o = r - 1 - i;
    int64_t da = i < ra ? a2[ra - 1 - i] : 1, db = i < rb ? b2[rb - 1 - i] : 1;
    dim[o] = std::max(da, db);
    sa[o] = da == 1 ? 0 : acc_a;
    sb[o] = db == 1 ? 0 : acc_b;
    acc_a *= da;
    acc_b *= db;
    batch *= dim[o];
  }
  for (int64_t t = 0; t < batch; ++t) {
    int64_t oa = 0, ob = 0;
    for (size_t d = 0; d < r; ++d) oa += idx[d] * sa[d], ob += idx[d] * sb[d];
    Gemm(m, n, k, a + oa, k, b + ob, n, y + t * m * n, n, false);
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < dim[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace vinet::runtime::detail
