// Single-precision matrix multiply for the float path (private).
//
// C[M,N] (+)= A[M,K] · B[K,N], row-major with leading dimensions. Small
// products (the batch-1 case) run our register-blocked kernel; larger ones go
// to OpenBLAS. The rule and its measurements are in docs/runtime.md.
#pragma once

#include <cstdint>

namespace vinet::runtime::detail {

enum class GemmBackend { kAuto, kOwn, kBlas };

// accumulate=false overwrites C; true adds to it (bias pre-filled by caller).
void Gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
          float* c, int64_t ldc, bool accumulate, GemmBackend backend = GemmBackend::kAuto);

// General form with transposition flags (always OpenBLAS unless both false).
void GemmT(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
           const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate);

// The backend kAuto picks for this shape.
GemmBackend ChooseGemmBackend(int64_t m, int64_t n, int64_t k);

}  // namespace vinet::runtime::detail
