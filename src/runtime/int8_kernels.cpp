#include "runtime/int8_kernels.h"

#include <algorithm>

#include "runtime/simd.h"

namespace vinet::runtime::detail {
namespace {

// acc[M,N] += A[M,K] · B[K,N]; rows of B are streamed once per row of A.
VINET_INLINE void Int8GemmBody(int64_t m, int64_t n, int64_t k, const int8_t* a, const int8_t* b,
                               int32_t* acc) {
  for (int64_t i = 0; i < m; ++i) {
    int32_t* row = acc + i * n;
    for (int64_t p = 0; p < k; ++p) {
      int32_t av = a[i * k + p];
      if (av == 0) continue;
      const int8_t* bp = b + p * n;
      for (int64_t j = 0; j < n; ++j) row[j] += av * static_cast<int32_t>(bp[j]);
    }
  }
}

VINET_AVX2 void Int8GemmAvx2(int64_t m, int64_t n, int64_t k, const int8_t* a, const int8_t* b,
                             int32_t* acc) {
  Int8GemmBody(m, n, k, a, b, acc);
}

void Int8GemmBase(int64_t m, int64_t n, int64_t k, const int8_t* a, const int8_t* b, int32_t* acc) {
  Int8GemmBody(m, n, k, a, b, acc);
}

void Int8GemmAccumulate(int64_t m, int64_t n, int64_t k, const int8_t* a, const int8_t* b,
                        int32_t* acc) {
  if (HasAvx2Fma()) {
    Int8GemmAvx2(m, n, k, a, b, acc);
  } else {
    Int8GemmBase(m, n, k, a, b, acc);
  }
}

void Im2ColInt8(const WindowGeom& g, int64_t channels, const int8_t* x, int8_t* col) {
  int64_t p = g.oh * g.ow;
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t i = 0; i < g.kh; ++i) {
      for (int64_t j = 0; j < g.kw; ++j) {
        int8_t* row = col + ((c * g.kh + i) * g.kw + j) * p;
        for (int64_t oh = 0; oh < g.oh; ++oh) {
          int64_t ih = oh * g.sh - g.pt + i * g.dh;
          for (int64_t ow = 0; ow < g.ow; ++ow) {
            int64_t iw = ow * g.sw - g.pl + j * g.dw;
            bool inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
            row[oh * g.ow + ow] = inside ? x[(c * g.h + ih) * g.w + iw] : int8_t{0};
          }
        }
      }
    }
  }
}

}  // namespace

void Int8GemmBiasCols(int64_t m, int64_t n, int64_t k, const int8_t* a, const int8_t* b,
                      const int32_t* bias, int32_t* acc) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) acc[i * n + j] = bias ? bias[j] : 0;
  }
  Int8GemmAccumulate(m, n, k, a, b, acc);
}

void Int8Conv(const WindowGeom& g, const int8_t* x, const int8_t* w, const int32_t* bias,
              int8_t* col, int32_t* acc) {
  int64_t cg = g.c / g.group, ocg = g.oc / g.group, kc = cg * g.kh * g.kw, p = g.oh * g.ow;
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t gr = 0; gr < g.group; ++gr) {
      Im2ColInt8(g, cg, x + (n * g.c + gr * cg) * g.h * g.w, col);
      int32_t* out = acc + (n * g.oc + gr * ocg) * p;
      for (int64_t o = 0; o < ocg; ++o) {
        std::fill(out + o * p, out + (o + 1) * p, bias ? bias[gr * ocg + o] : 0);
      }
      Int8GemmAccumulate(ocg, p, kc, w + gr * ocg * kc, col, out);
    }
  }
}

}  // namespace vinet::runtime::detail
