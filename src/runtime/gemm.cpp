#include "runtime/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "runtime/simd.h"

namespace vinet::runtime::detail {
namespace {

VINET_INLINE v8f Load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
VINET_INLINE void Store8(float* p, v8f v) {
  std::memcpy(p, &v, sizeof(v));
}

// MR rows x (NV*8) columns of C over the whole K, accumulators in registers.
template <int MR, int NV>
VINET_INLINE void MicroKernel(int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
                              float* c, int64_t ldc, bool accumulate) {
  v8f acc[MR][NV] = {};
  for (int64_t p = 0; p < k; ++p) {
    const float* bp = b + p * ldb;
    v8f bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = Load8(bp + 8 * v);
    for (int r = 0; r < MR; ++r) {
      float s = a[r * lda + p];
      v8f av = {s, s, s, s, s, s, s, s};
      for (int v = 0; v < NV; ++v) acc[r][v] += av * bv[v];
    }
  }
  for (int r = 0; r < MR; ++r) {
    for (int v = 0; v < NV; ++v) {
      float* cp = c + r * ldc + 8 * v;
      Store8(cp, accumulate ? Load8(cp) + acc[r][v] : acc[r][v]);
    }
  }
}

// Scalar edge: rows [0, m) x columns [0, n) for the leftover columns.
VINET_INLINE void EdgeKernel(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                             const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int64_t p = 0; p < k; ++p) s += a[i * lda + p] * b[p * ldb + j];
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + s : s;
    }
  }
}

template <int MR>
VINET_INLINE void RowBlock(int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
                           int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  int64_t j = 0;
  if constexpr (MR == 1) {
    for (; j + 64 <= n; j += 64) MicroKernel<1, 8>(k, a, lda, b + j, ldb, c + j, ldc, accumulate);
  }
  for (; j + 16 <= n; j += 16) MicroKernel<MR, 2>(k, a, lda, b + j, ldb, c + j, ldc, accumulate);
  for (; j + 8 <= n; j += 8) MicroKernel<MR, 1>(k, a, lda, b + j, ldb, c + j, ldc, accumulate);
  if (j < n) EdgeKernel(MR, n - j, k, a, lda, b + j, ldb, c + j, ldc, accumulate);
}

VINET_INLINE void OwnGemmBody(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                              const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  int64_t i = 0;
  for (; i + 4 <= m; i += 4)
    RowBlock<4>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, accumulate);
  for (; i < m; ++i) RowBlock<1>(n, k, a + i * lda, lda, b, ldb, c + i * ldc, ldc, accumulate);
}

VINET_AVX2 void OwnGemmAvx2(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                            const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  OwnGemmBody(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void OwnGemmBase(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  OwnGemmBody(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

void OwnGemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
             int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  if (HasAvx2Fma()) {
    OwnGemmAvx2(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  } else {
    OwnGemmBase(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
  }
}

}  // namespace

GemmBackend ChooseGemmBackend(int64_t m, int64_t n, int64_t k) {
  // From BM_Gemm (bench/runtime, table in docs/runtime.md): our kernel wins
  // when every tile is full (N a multiple of 16; one row, or M a multiple of 4
  // and at least 32) and K is long enough to amortize loading C; OpenBLAS's
  // AVX-512 kernels win on ragged tiles, short K and mid-sized M.
  bool full_tiles = n % 16 == 0 && (m == 1 || (m % 4 == 0 && m >= 32));
  return full_tiles && k >= 64 ? GemmBackend::kOwn : GemmBackend::kBlas;
}

void Gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
          float* c, int64_t ldc, bool accumulate, GemmBackend backend) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    }
    return;
  }
  if (backend == GemmBackend::kAuto) backend = ChooseGemmBackend(m, n, k);
  if (backend == GemmBackend::kOwn) {
    OwnGemm(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(lda),
              b, static_cast<blasint>(ldb), accumulate ? 1.0f : 0.0f, c, static_cast<blasint>(ldc));
}

void GemmT(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
           const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  if (!trans_a && !trans_b) {
    Gemm(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    return;
  }
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) {
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), accumulate ? 1.0f : 0.0f, c, static_cast<blasint>(ldc));
}

}  // namespace vinet::runtime::detail
